// The YAML reader's pieces: libfyaml events, scalar typing, the document builder's limits,
// duplicate keys, aliases, the bounded file reader and parallel loading.
#include <doctest/doctest.h>

#include <set>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "reconcile/config/document_builder.hpp"
#include "reconcile/config/file_reader.hpp"
#include "reconcile/config/loader.hpp"
#include "reconcile/config/repository.hpp"
#include "reconcile/config/yaml_events.hpp"
#include "reconcile/config/yaml_scalar.hpp"

using namespace reconcile;
namespace fs = std::filesystem;

namespace {

std::string format_all(const Diagnostics& diags) {
    std::string out;
    for (const auto& d : diags) out += d.format() + "\n";
    return out;
}

LoadResult load(std::string_view yaml, LoadOptions o = {}) {
    if (!o.getenv) o.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    LoadResult r;
    load_yaml_text(yaml, "t.yaml", Schema::agent(), o, r);
    return r;
}

struct Collect final : BuildReporter {
    Diagnostics diags;
    bool error(const SourceLocation& w, std::string m) override {
        diags.push_back(make_error(w, std::move(m)));
        return true;
    }
    void warning(const SourceLocation& w, std::string m) override { diags.push_back(make_warning(w, std::move(m))); }
};

// A fresh directory under the temporary directory, removed at the end of the test.
struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& name) : path(fs::temp_directory_path() / name) {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
    void write(const std::string& rel, const std::string& text) const {
        fs::create_directories((path / rel).parent_path());
        std::ofstream(path / rel, std::ios::binary) << text;
    }
};

}  // namespace

TEST_CASE("yaml events: kinds, 1-based marks, styles, anchors, tags and syntax errors") {
    YamlEventReader reader("a: &x 'q'\nb: [*x, !!str 3]\n");
    std::string seen;
    while (const YamlEvent* e = reader.next()) {
        switch (e->kind) {
            case YamlEventKind::Scalar:
                seen += "S(" + std::string(e->text) + ")@" + std::to_string(e->mark.line) + ":" +
                        std::to_string(e->mark.column);
                if (e->style == YamlScalarStyle::SingleQuoted) seen += "'";
                if (!e->anchor.empty()) seen += "&" + std::string(e->anchor);
                if (!e->tag.empty()) seen += "!" + std::string(e->tag);
                seen += " ";
                break;
            case YamlEventKind::Alias: seen += "*" + std::string(e->text) + " "; break;
            case YamlEventKind::SequenceStart: seen += "[ "; break;
            case YamlEventKind::SequenceEnd: seen += "] "; break;
            case YamlEventKind::MappingStart: seen += "{ "; break;
            case YamlEventKind::MappingEnd: seen += "} "; break;
            default: break;
        }
    }
    CHECK(seen == "{ S(a)@1:1 S(q)@1:7'&x S(b)@2:1 [ *x S(3)@2:15!tag:yaml.org,2002:str ] } ");
    CHECK_FALSE(reader.error());

    YamlEventReader bad("a: [1, 2\nb: 3\n");
    while (bad.next()) {
    }
    REQUIRE(bad.error());
    CHECK(bad.error()->mark.line >= 1);
    CHECK_FALSE(bad.error()->message.empty());
}

TEST_CASE("yaml events: single-quoted scalars read as YAML says (expected values from PyYAML)") {
    // libfyaml 0.7 read the first case as x and three quotes, and leaked memory formatting it.
    const std::pair<const char*, const char*> cases[] = {
        {"'x''''y'", "x''y"},
        {"'a''b''c''d''e'", "a'b'c'd'e"},
        {"'Don''t say ''hi'' or ''bye'' now'", "Don't say 'hi' or 'bye' now"},
        {"''''''", "''"},
        {"''", ""},
        {"'  lead and trail  '", "  lead and trail  "},
        {"'multi\n    line  \n\n    text'", "multi line\ntext"},
        {"'a\n\n\n  b'", "a\n\nb"},
        {"'a \t\n \t b'", "a b"},
        {"'first\n  second\n  third'", "first second third"},
        {"'ends with break\n  '", "ends with break "},
        {"'x''\n  ''y'", "x' 'y"},
        {"'crlf\r\n  next'", "crlf next"},
        {"'plain'", "plain"},
    };
    for (const auto& [source, expected] : cases) {
        CAPTURE(source);
        const std::string text = std::string("k: ") + source + "\n";
        YamlEventReader reader(text);
        std::vector<std::string> scalars;
        while (const YamlEvent* e = reader.next())
            if (e->kind == YamlEventKind::Scalar) scalars.emplace_back(e->text);
        REQUIRE_FALSE(reader.error());
        REQUIRE(scalars.size() == 2);
        CHECK(scalars[1] == expected);
    }
    CHECK(fold_single_quoted("a''b\n\n  c") == "a'b\nc");

    // The value is cut from the input by the token's byte positions: after a byte order mark,
    // multi-byte text and inside flow collections it must still be the right bytes.
    const std::pair<const char*, const char*> placed[] = {
        {"\xEF\xBB\xBFk: 'a''b'\n", "a'b"},
        {"caf\xC3\xA9: 'd\xC3\xA9j\xC3\xA0 ''vu'''\n", "d\xC3\xA9j\xC3\xA0 'vu'"},
        {"k: [x, 'it''s', {m: 'n''o'}]\n", "n'o"},
    };
    for (const auto& [text, expected] : placed) {
        CAPTURE(text);
        YamlEventReader reader(text);
        std::string last;
        while (const YamlEvent* e = reader.next())
            if (e->kind == YamlEventKind::Scalar) last = e->text;
        REQUIRE_FALSE(reader.error());
        CHECK(last == expected);
    }
}

TEST_CASE("yaml text: invalid UTF-8 and control characters are found with their position") {
    auto utf = yaml_text_problem("name: ok\ntone: caf\xC3\n");
    REQUIRE(utf);
    CHECK(utf->mark.line == 2);
    CHECK(utf->mark.column == 10);
    CHECK(utf->message == "malformed YAML: the text is not valid UTF-8");
    auto ctl = yaml_text_problem("a: \x1B[31m\n");
    REQUIRE(ctl);
    CHECK(ctl->message == "malformed YAML: control character U+001B is not allowed (is this a text file?)");
    CHECK_FALSE(yaml_text_problem("tone: caf\xC3\xA9\r\n\tx"));
}

TEST_CASE("yaml scalar: core schema in free-form objects, schema-directed typing elsewhere") {
    CHECK(json::serialize(core_schema_value({"yes", false})) == "\"yes\"");
    CHECK(json::serialize(core_schema_value({"True", false})) == "true");
    CHECK(json::serialize(core_schema_value({"0101", false})) == "\"0101\"");
    CHECK(json::serialize(core_schema_value({"-12", false})) == "-12");
    CHECK(json::serialize(core_schema_value({"1.5", false})) == "1.5E0");
    CHECK(json::serialize(core_schema_value({"12", true})) == "\"12\"");
    CHECK(json::serialize(core_schema_value({"~", false})) == "null");
    CHECK(json::serialize(core_schema_value({"", false})) == "null");
    CHECK(json::serialize(core_schema_value({"null", true})) == "\"null\"");

    SchemaNode boolean;
    boolean.types = {JsonType::Boolean};
    CHECK(schema_value({"Off", false}, boolean).value == json::value(false));
    CHECK(schema_value({"y", false}, boolean).problem == ScalarProblem::WrongType);
    CHECK(schema_value({"true", true}, boolean).problem == ScalarProblem::WrongType);
    CHECK(quotes_hide_a_value({"true", true}, boolean));
    SchemaNode integer;
    integer.types = {JsonType::Integer};
    CHECK(schema_value({"010", false}, integer).value == json::value(10));
    CHECK(schema_value({"99999999999999999999", false}, integer).problem == ScalarProblem::IntegerOutOfRange);
    CHECK(schema_value({"1.5", false}, integer).problem == ScalarProblem::WrongType);
    SchemaNode string;
    string.types = {JsonType::String};
    CHECK(schema_value({"no", false}, string).value == json::value("no"));
    CHECK(describe_scalar({"3", false}) == "integer 3");
    CHECK(describe_scalar({"3", true}) == "string \"3\"");
    CHECK(is_yaml11_only_bool("Yes"));
    CHECK(is_yaml11_only_bool("n"));
    CHECK_FALSE(is_yaml11_only_bool("true"));
}

TEST_CASE("loader: a YAML 1.1 boolean word in a boolean field is read as one, with a warning") {
    auto r = load("name: A\nappointment_scheduling_enabled: yes\nappointment_scheduling_randomly: false\n");
    CHECK(format_all(r.diagnostics) ==
          "t.yaml:2:33: warning: `appointment_scheduling_enabled`: `yes` is a YAML 1.1 boolean: editors and YAML 1.2 "
          "tools read it as a string; write true\n");
    REQUIRE(r.state.agents.size() == 1);
    CHECK(r.state.agents[0].body.at("appointment_scheduling_enabled") == json::value(true));
    // Quoted, or in a string field: no warning (and no boolean).
    CHECK(format_all(load("name: A\nlanguage: no\n").diagnostics) == "");
}

TEST_CASE("document builder: duplicate keys name both positions, at every depth") {
    auto r = load("name: A\nsettings:\n  voice: {}\n  voice: {}\nname: B\n");
    CHECK(format_all(r.diagnostics) ==
          "t.yaml:4:3: error: duplicate key `settings.voice`; first written at t.yaml:3:3\n"
          "t.yaml:5:1: error: duplicate key `name`; first written at t.yaml:1:1\n");
    // A large mapping switches to a hash set; duplicates are still found.
    std::string big = "name: A\nsettings: {voice: {normalizers: {inbound: {";
    for (int i = 0; i < 5000; ++i) big += "k" + std::to_string(i) + ": 1, ";
    big += "k4999: 2}}}}\n";
    auto many = load(big);
    REQUIRE(many.diagnostics.size() == 1);
    CHECK(many.diagnostics[0].message.starts_with("duplicate key `settings.voice.normalizers.inbound.k4999`"));
}

TEST_CASE("document builder: tags other than the core ones are refused") {
    auto r = load("name: A\ntone: !python/object x\ndescription: !!str 12\nnotes: !!seq []\n");
    CHECK(format_all(r.diagnostics) ==
          "t.yaml:2:22: error: `tone`: tag `!python/object` is not supported; only the YAML core tags (such as !!str) "
          "are\n");
}

TEST_CASE("document builder: a billion-laughs document is refused before it is expanded") {
    std::string yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 12; ++i) {
        yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int j = 0; j < 10; ++j) yaml += std::string(j ? ", " : "") + "*a" + std::to_string(i - 1);
        yaml += "]\n";
    }
    Collect c;
    auto start = std::chrono::steady_clock::now();
    auto doc = build_single_document(yaml, "bomb.yaml", BuildOptions{}, c);
    auto elapsed = std::chrono::steady_clock::now() - start;
    REQUIRE(doc);
    CHECK(doc->refused);
    CHECK(format_all(c.diags) == "bomb.yaml:1:1: error: document expands to more than 1000000 nodes (YAML aliases?)\n");
    CHECK(elapsed < std::chrono::seconds(3));  // at most max_nodes are built, then refused
}

TEST_CASE("document builder: aliases replay their anchor under the schema of the place they are used") {
    auto r = load("name: A\ntone: &t 'yes'\nguidelines:\n  - {content: *t, order: 1}\n");
    CHECK(format_all(r.diagnostics) == "");
    REQUIRE(r.state.agents.size() == 1);
    CHECK(json::serialize(r.state.agents[0].body.at("guidelines")) == "[{\"content\":\"yes\",\"order\":1}]");
    // An alias to a scalar may be a key.
    Collect c;
    auto doc = build_single_document("k: &k key\n*k : v\n", "k.yaml", BuildOptions{}, c);
    REQUIRE(doc);
    CHECK(json::serialize(doc->value) == "{\"k\":\"key\",\"key\":\"v\"}");
    CHECK(c.diags.empty());
}

TEST_CASE("document builder: untyped mode, value positions, root must be a mapping") {
    Collect c;
    BuildOptions o;
    o.record_value_locations = true;
    o.root_mapping_error = "must be a mapping";
    auto doc = build_single_document("a: 1\nb:\n  - x\n  - ~\nc: true\n", "c.yaml", o, c);
    REQUIRE(doc);
    CHECK(json::serialize(doc->value) == "{\"a\":\"1\",\"b\":[\"x\",null],\"c\":\"true\"}");
    CHECK(doc->locations.find("/b/1")->str() == "c.yaml:4:5");
    CHECK(doc->value_locations.find("/a")->str() == "c.yaml:1:4");
    Collect c2;
    CHECK_FALSE(build_single_document("- a\n", "c.yaml", o, c2));
    CHECK(format_all(c2.diags) == "c.yaml:1:1: error: must be a mapping, got array\n");
}

TEST_CASE("loader: more documents than the limit in one file") {
    LoadOptions o;
    o.max_documents = 5;
    std::string yaml;
    for (int i = 0; i < 8; ++i) yaml += "--- {name: A" + std::to_string(i) + "}\n";
    auto r = load(yaml, o);
    CHECK(format_all(r.diagnostics) == "t.yaml:6:1: error: more than 5 documents in one file; the rest is not read\n");
    CHECK(r.state.agents.size() == 5);
}

TEST_CASE("location map: sorted once, last position of a pointer wins, unsorted additions found") {
    LocationMap m;
    m.set_file("f.yaml");
    m.add("/b", 2, 1);
    m.add("/a", 1, 1);
    m.add("/b", 3, 1);
    m.finish();
    CHECK(m.size() == 2);
    CHECK(m.find("/b")->str() == "f.yaml:3:1");
    CHECK_FALSE(m.find("/c"));
    m["/c"] = SourceLocation{"base.yaml", 9, 2};
    CHECK(m.find("/c")->str() == "base.yaml:9:2");
    m.add("/d", 4, 4);  // still in the map's own file
    CHECK(m.find("/d")->str() == "f.yaml:4:4");
    // Pointers are stored as hashes: such a map cannot be iterated.
    CHECK(m.begin() == m.end());

    LocationMap kept;  // the same, keeping the pointers' text
    kept.keep_pointers();
    kept.set_file("f.yaml");
    kept.add("/b", 2, 1);
    kept.add("/a", 1, 1);
    kept.add("/b", 3, 1);
    kept.finish();
    kept["/c"] = SourceLocation{"base.yaml", 9, 2};
    kept.add("/d", 4, 4);
    CHECK(kept.find("/b")->str() == "f.yaml:3:1");
    std::set<std::string> all;
    for (const auto& [pointer, where] : kept) all.insert(std::string(pointer) + "=" + where.str());
    CHECK(all == std::set<std::string>{"/a=f.yaml:1:1", "/b=f.yaml:3:1", "/c=base.yaml:9:2", "/d=f.yaml:4:4"});
}

TEST_CASE("location map: positions are packed without loss up to the loader's limits") {
    LocationMap m;
    m.set_file("a.yaml");
    m.add("/x", 4'194'304, 4'194'305);  // a 4 MiB file: one line per byte, or one line of it all
    m.set_file("b.yaml");
    for (int i = 0; i < 1000; ++i) m.add("/list/" + std::to_string(i), i + 1, 3);
    m.add("/neg", -1, 0);
    m.add("/huge", 1 << 30, 1 << 30);
    m.finish();
    CHECK(m.find("/x")->str() == "a.yaml:4194304:4194305");
    CHECK(m.find("/list/999")->str() == "b.yaml:1000:3");
    CHECK(m.find("/list/0")->str() == "b.yaml:1:3");
    CHECK_FALSE(m.find("/list/1000"));
    CHECK(m.find("/huge")->line == 8'388'607);  // saturated, not wrapped
    CHECK(m.find("/neg")->line == 0);
}

TEST_CASE("file reader: size limit, directories and FIFOs refused without blocking") {
    TempDir dir("reconcile_file_reader_test");
    dir.write("a.yaml", "name: A\n");
    CHECK(read_bounded_file(dir.path / "a.yaml", 100).value() == "name: A\n");
    CHECK(read_bounded_file(dir.path / "a.yaml", 4).error() == "file is 8 bytes, over the 4 bytes limit");
    fs::create_directories(dir.path / "d.yaml");
    CHECK(read_bounded_file(dir.path / "d.yaml", 100).error() == "cannot read file: a directory, not a regular file");
    REQUIRE(::mkfifo((dir.path / "f.yaml").c_str(), 0600) == 0);
    auto start = std::chrono::steady_clock::now();
    CHECK(read_bounded_file(dir.path / "f.yaml", 100).error() == "cannot read file: a FIFO, not a regular file");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    CHECK(read_bounded_file(dir.path / "missing.yaml", 100).error() == "cannot read file: No such file or directory");
}

TEST_CASE("repository: a symbolic link out of the repository is refused, naming the file; so is a FIFO") {
    TempDir outside("reconcile_outside_test");
    outside.write("secret.yaml", "name: Secret\n");
    TempDir dir("reconcile_boundary_test");
    dir.write("agents/a.yaml", "name: A\n");
    fs::create_symlink(outside.path / "secret.yaml", dir.path / "agents/leak.yaml");
    fs::create_symlink(dir.path / "agents/a.yaml", dir.path / "agents/inside.yaml");
    fs::create_directory_symlink(outside.path, dir.path / "agents/linked");
    REQUIRE(::mkfifo((dir.path / "agents/pipe.yaml").c_str(), 0600) == 0);
    fs::create_directories(dir.path / "agents/dir.yaml");
    auto repo = discover_repository(dir.path);
    CHECK(format_all(repo.diagnostics) ==
          "agents/pipe.yaml: error: cannot read file: a FIFO, not a regular file; refused\n"
          "agents/leak.yaml: error: a symbolic link to a file outside the repository; refused (files must be inside "
          "the repository)\n");
    std::vector<std::string> names;
    for (const auto& f : repo.files) names.push_back(f.filename().string());
    CHECK(names == std::vector<std::string>{"a.yaml", "inside.yaml"});

    dir.write("reconcile.yaml", "include: [\"linked/*.yaml\"]\n");
    fs::create_directory_symlink(outside.path, dir.path / "linked");
    auto via_dir = discover_repository(dir.path);
    CHECK(format_all(via_dir.diagnostics) ==
          "linked/secret.yaml: error: a symbolic link to a file outside the repository; refused (files must be "
          "inside the repository)\n");
    CHECK(via_dir.files.empty());

    fs::remove(dir.path / "reconcile.yaml");
    fs::create_symlink("/etc/passwd", dir.path / "reconcile.yaml");
    auto config = discover_repository(dir.path);
    REQUIRE_FALSE(config.diagnostics.empty());
    CHECK(config.diagnostics[0].format().starts_with("reconcile.yaml: error: a symbolic link to a file outside"));
}

TEST_CASE("loader: files load in parallel; the result is the same as one thread's, in file order") {
    TempDir dir("reconcile_parallel_test");
    std::vector<fs::path> files;
    for (int i = 0; i < 60; ++i) {
        std::string rel = "agents/a" + std::to_string(i) + ".yaml";
        // Every third file has an error; two files share a name (a cross-file error).
        std::string text = "name: Agent " + std::to_string(i % 59) + "\n";
        if (i % 3 == 0) text += "tone: [x]\n";
        text += "custom_prompt: ${env:V" + std::to_string(i % 7) + "}\n";
        dir.write(rel, text);
        files.push_back(dir.path / rel);
    }
    LoadOptions one;
    one.threads = 1;
    one.unset_env_is_error = false;
    one.getenv = [](const std::string& n) -> std::optional<std::string> { return "value-" + n; };
    LoadOptions many = one;
    many.threads = 8;
    auto a = load_files(files, dir.path, Schema::agent(), one);
    auto b = load_files(files, dir.path, Schema::agent(), many);
    CHECK(format_all(a.diagnostics) == format_all(b.diagnostics));
    CHECK(a.state.inputs_digest == b.state.inputs_digest);
    CHECK(a.state.secret_values == b.state.secret_values);
    REQUIRE(a.state.agents.size() == b.state.agents.size());
    for (std::size_t i = 0; i < a.state.agents.size(); ++i) {
        CHECK(a.state.agents[i].where.str() == b.state.agents[i].where.str());
        CHECK(json::serialize(a.state.agents[i].body) == json::serialize(b.state.agents[i].body));
    }
    CHECK(a.state.files.front() == "agents/a0.yaml");
    CHECK(format_all(a.diagnostics).find("is defined twice") != std::string::npos);
}
