#include "reconcile/config/yaml_events.hpp"

#include <libfyaml.h>

#include <cstdio>
#include <string>
#include <vector>

#include "reconcile/util/utf8.hpp"

namespace reconcile {

namespace {

YamlMark to_mark(const fy_mark* m) {
    if (!m) return {};
    return YamlMark{m->line + 1, m->column + 1};
}

std::string_view token_text(fy_token* t) {
    if (!t) return {};
    std::size_t n = 0;
    const char* s = fy_token_get_text(t, &n);
    return s ? std::string_view(s, n) : std::string_view{};
}

YamlScalarStyle to_style(fy_scalar_style s) {
    switch (s) {
        case FYSS_SINGLE_QUOTED: return YamlScalarStyle::SingleQuoted;
        case FYSS_DOUBLE_QUOTED: return YamlScalarStyle::DoubleQuoted;
        case FYSS_LITERAL: return YamlScalarStyle::Literal;
        case FYSS_FOLDED: return YamlScalarStyle::Folded;
        default: return YamlScalarStyle::Plain;
    }
}

YamlEventKind to_kind(fy_event_type t) {
    switch (t) {
        case FYET_STREAM_START: return YamlEventKind::StreamStart;
        case FYET_DOCUMENT_START: return YamlEventKind::DocumentStart;
        case FYET_DOCUMENT_END: return YamlEventKind::DocumentEnd;
        case FYET_MAPPING_START: return YamlEventKind::MappingStart;
        case FYET_MAPPING_END: return YamlEventKind::MappingEnd;
        case FYET_SEQUENCE_START: return YamlEventKind::SequenceStart;
        case FYET_SEQUENCE_END: return YamlEventKind::SequenceEnd;
        case FYET_SCALAR: return YamlEventKind::Scalar;
        case FYET_ALIAS: return YamlEventKind::Alias;
        default: return YamlEventKind::StreamEnd;
    }
}

}  // namespace

namespace {

bool forbidden_control(unsigned char c) { return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F; }

// 1-based line and column (in characters) of byte `offset`.
YamlMark mark_at(std::string_view text, std::size_t offset) {
    int line = 1, column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') line++, column = 1;
        else if ((c & 0xC0) != 0x80) ++column;  // count characters, not UTF-8 continuation bytes
    }
    return {line, column};
}

}  // namespace

std::optional<YamlTextProblem> yaml_text_problem(std::string_view text) {
    // One tight pass; positions are computed only for a problem.
    bool high = false;
    std::size_t control = text.size();
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        high |= c >= 0x80;
        if (forbidden_control(c)) {
            control = i;
            break;
        }
    }
    const std::size_t bad_utf8 = high ? invalid_utf8_offset(text.substr(0, control)).value_or(text.size()) : text.size();
    if (bad_utf8 < control) return YamlTextProblem{mark_at(text, bad_utf8), "malformed YAML: the text is not valid UTF-8"};
    if (control == text.size()) return std::nullopt;
    char code[8];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned char>(text[control]));
    return YamlTextProblem{mark_at(text, control), std::string("malformed YAML: control character ") + code +
                                                       " is not allowed (is this a text file?)"};
}

std::string fold_single_quoted(std::string_view source) {
    auto is_space = [](char c) { return c == ' ' || c == '\t'; };
    // The source's lines (\n, \r\n or \r end a line).
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < source.size(); ++i) {
        if (source[i] != '\n' && source[i] != '\r') continue;
        lines.push_back(source.substr(start, i - start));
        if (source[i] == '\r' && i + 1 < source.size() && source[i + 1] == '\n') ++i;
        start = i + 1;
    }
    lines.push_back(source.substr(start));
    std::string out;
    out.reserve(source.size());
    auto append_unescaped = [&](std::string_view line) {
        for (std::size_t i = 0; i < line.size(); ++i) {
            out += line[i];
            if (line[i] == '\'' && i + 1 < line.size() && line[i + 1] == '\'') ++i;
        }
    };
    std::size_t empty_lines = 0;
    for (std::size_t n = 0; n < lines.size(); ++n) {
        std::string_view line = lines[n];
        // Spaces before a break and at the start of a continuation line are not content.
        if (n + 1 < lines.size())
            while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
        if (n > 0)
            while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
        if (n == 0) {
            append_unescaped(line);
            continue;
        }
        if (line.empty() && n + 1 < lines.size()) {
            ++empty_lines;  // a blank line inside: a newline, once the next content comes
            continue;
        }
        if (empty_lines == 0) out += ' ';
        else out.append(empty_lines, '\n');
        empty_lines = 0;
        append_unescaped(line);
    }
    return out;
}

YamlEventReader::YamlEventReader(std::string_view text) : input_(text) {
    fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = nullptr;  // nothing is printed: errors are collected and read back
    dcfg.level = FYET_ERROR;
    diag_ = fy_diag_create(&dcfg);
    if (diag_) fy_diag_set_collect_errors(diag_, true);
    fy_parse_cfg cfg{};
    // Duplicate keys are reported by the document builder, with both positions.
    cfg.flags = static_cast<fy_parse_cfg_flags>(FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_JSON_NONE |
                                                FYPCF_ALLOW_DUPLICATE_KEYS | FYPCF_DISABLE_MMAP_OPT);
    cfg.diag = diag_;
    parser_ = diag_ ? fy_parser_create(&cfg) : nullptr;
    if (!parser_ || fy_parser_set_string(parser_, text.data(), text.size()) != 0) {
        error_ = YamlSyntaxError{{}, "cannot start the YAML parser"};
        done_ = true;
    }
}

YamlEventReader::~YamlEventReader() {
    release();
    if (parser_) fy_parser_destroy(parser_);
    if (diag_) fy_diag_destroy(diag_);
}

void YamlEventReader::release() {
    if (current_) fy_parser_event_free(parser_, current_);
    current_ = nullptr;
}

void YamlEventReader::record_error() {
    void* it = nullptr;
    // The first error is the cause; later ones follow from it.
    if (fy_diag_error* e = diag_ ? fy_diag_errors_iterate(diag_, &it) : nullptr) {
        // libfyaml's collected positions are already 1-based.
        error_ = YamlSyntaxError{YamlMark{e->line, e->column}, e->msg ? e->msg : "syntax error"};
    } else {
        error_ = YamlSyntaxError{{}, "syntax error"};
    }
}

const YamlEvent* YamlEventReader::next() {
    release();
    if (done_) return nullptr;
    current_ = fy_parser_parse(parser_);
    if (!current_) {
        done_ = true;
        if (fy_parser_get_stream_error(parser_)) record_error();
        return nullptr;
    }
    event_ = YamlEvent{};
    event_.kind = to_kind(current_->type);
    event_.mark = to_mark(fy_event_start_mark(current_));
    if (event_.kind == YamlEventKind::Scalar || event_.kind == YamlEventKind::Alias) {
        fy_token* value = fy_event_get_token(current_);
        if (event_.kind == YamlEventKind::Scalar) event_.style = to_style(fy_token_scalar_style(value));
        const fy_mark* from = value ? fy_token_start_mark(value) : nullptr;
        const fy_mark* to = value ? fy_token_end_mark(value) : nullptr;
        if (event_.style == YamlScalarStyle::SingleQuoted && from && to && from->input_pos <= to->input_pos &&
            to->input_pos <= input_.size()) {
            const std::string_view source = input_.substr(from->input_pos, to->input_pos - from->input_pos);
            if (source.find_first_of("'\r\n") == std::string_view::npos) {
                event_.text = source;  // nothing to unescape or fold
            } else {
                single_quoted_ = fold_single_quoted(source);
                event_.text = single_quoted_;
            }
        } else {
            event_.text = token_text(value);
        }
        // A quoted scalar's token starts after its opening quote; point at the quote.
        if ((event_.style == YamlScalarStyle::SingleQuoted || event_.style == YamlScalarStyle::DoubleQuoted) &&
            event_.mark.column > 1)
            --event_.mark.column;
    }
    if (event_.kind == YamlEventKind::Scalar || event_.kind == YamlEventKind::MappingStart ||
        event_.kind == YamlEventKind::SequenceStart) {
        event_.anchor = token_text(fy_event_get_anchor_token(current_));
        event_.tag = token_text(fy_event_get_tag_token(current_));
    }
    if (event_.kind == YamlEventKind::StreamEnd) done_ = true;
    return &event_;
}

}  // namespace reconcile
