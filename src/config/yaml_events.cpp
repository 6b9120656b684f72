#include "reconcile/config/yaml_events.hpp"

#include <libfyaml.h>

#include <cstdio>

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

YamlEventReader::YamlEventReader(std::string_view text) {
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
        event_.text = token_text(value);
        if (event_.kind == YamlEventKind::Scalar) event_.style = to_style(fy_token_scalar_style(value));
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
