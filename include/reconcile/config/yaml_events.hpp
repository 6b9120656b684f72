#pragma once
// A thin RAII wrapper of libfyaml's event parser: YAML text -> a stream of small events with
// 1-based positions. No document tree is built; the caller turns events into values.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct fy_parser;
struct fy_diag;
struct fy_event;

namespace reconcile {

// 1-based line and column; line 0 = the parser gave no position (an empty scalar, an implicit
// document start).
struct YamlMark {
    int line = 0;
    int column = 0;
    bool known() const { return line > 0; }
};

enum class YamlEventKind {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    MappingStart,
    MappingEnd,
    SequenceStart,
    SequenceEnd,
    Scalar,
    Alias,
};

enum class YamlScalarStyle { Plain, SingleQuoted, DoubleQuoted, Literal, Folded };

// One event. The views stay valid until the next call to YamlEventReader::next().
struct YamlEvent {
    YamlEventKind kind = YamlEventKind::StreamEnd;
    YamlMark mark;                 // start of the event's main token
    std::string_view text;         // a scalar's value, an alias's anchor name
    std::string_view anchor;       // `&name` on a scalar or collection start; empty if none
    std::string_view tag;          // resolved tag (`tag:yaml.org,2002:str`, `!local`); empty if none
    YamlScalarStyle style = YamlScalarStyle::Plain;
};

struct YamlSyntaxError {
    YamlMark mark;
    std::string message;  // libfyaml's wording, e.g. "invalid indentation in mapping"
};

// What makes a text unfit for the YAML reader before parsing: invalid UTF-8, or a C0 control
// character other than tab, line feed and carriage return (or DEL): the file is binary or
// damaged. The position and a message starting "malformed YAML: ".
struct YamlTextProblem {
    YamlMark mark;
    std::string message;
};
std::optional<YamlTextProblem> yaml_text_problem(std::string_view text);

// The value of a single-quoted scalar from its source between the quotes: two quotes are one,
// and line breaks fold as YAML 1.2 says (the spaces around a break dropped, one break a space,
// each further break a newline). libfyaml 0.7 misreads consecutive escaped quotes (the source
// x, four quotes, y reads as x and three quotes) and leaks memory formatting such scalars, so
// the reader derives these values itself from the token's source.
std::string fold_single_quoted(std::string_view source);

class YamlEventReader {
public:
    // `text` must outlive the reader. YAML 1.2 by default.
    explicit YamlEventReader(std::string_view text);
    ~YamlEventReader();
    YamlEventReader(const YamlEventReader&) = delete;
    YamlEventReader& operator=(const YamlEventReader&) = delete;

    // The next event, or nullptr at the end of the stream or after a syntax error (then error()
    // says what and where). The event lives until the next call.
    const YamlEvent* next();
    const std::optional<YamlSyntaxError>& error() const { return error_; }

private:
    void release();
    void record_error();

    fy_diag* diag_ = nullptr;
    fy_parser* parser_ = nullptr;
    fy_event* current_ = nullptr;
    std::string_view input_;
    std::string single_quoted_;  // the current single-quoted scalar's value, when it differs from its source
    YamlEvent event_;
    std::optional<YamlSyntaxError> error_;
    bool done_ = false;
};

}  // namespace reconcile
