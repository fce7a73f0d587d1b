// The libyaml reader builds the trees yaml-cpp's own parser builds, and refuses what no
// configuration means, by file, line and column.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hwmodels/config_error.hpp"
#include "hwmodels/config_tree.hpp"
#include "hwmodels/yaml_reader.hpp"

using namespace tilesim;
namespace fs = std::filesystem;

namespace {

// The first difference between two trees (type, value, tag, style, marks, entry order), or "".
// An empty value is the one place the marks differ: libyaml puts it just after its key, on the
// key's line, where yaml-cpp puts it at the next token.
std::string difference(const YAML::Node& a, const YAML::Node& b, const std::string& path) {
  const auto at = [&](const std::string& what) { return (path.empty() ? "<root>" : path) + ": " + what; };
  if (a.Type() != b.Type()) return at("type");
  if (a.Tag() != b.Tag()) return at("tag " + a.Tag() + " against " + b.Tag());
  if (!a.IsNull() && (a.Mark().line != b.Mark().line || a.Mark().column != b.Mark().column))
    return at("mark " + std::to_string(a.Mark().line) + ":" + std::to_string(a.Mark().column) + " against " +
              std::to_string(b.Mark().line) + ":" + std::to_string(b.Mark().column));
  if (a.IsScalar()) return a.Scalar() == b.Scalar() ? "" : at("value '" + a.Scalar() + "' against '" + b.Scalar() + "'");
  if (a.IsSequence() || a.IsMap()) {
    if (a.Style() != b.Style()) return at("style");
    if (a.size() != b.size()) return at("size");
  }
  if (a.IsSequence())
    for (std::size_t i = 0; i < a.size(); ++i)
      if (auto d = difference(a[i], b[i], path + "[" + std::to_string(i) + "]"); !d.empty()) return d;
  if (a.IsMap()) {
    auto ia = a.begin();
    auto ib = b.begin();
    for (; ia != a.end(); ++ia, ++ib) {
      if (auto d = difference(ia->first, ib->first, path + "<key>"); !d.empty()) return d;
      if (auto d = difference(ia->second, ib->second, join_path(path, ia->first.Scalar())); !d.empty()) return d;
    }
  }
  return "";
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string refusal(const std::string& text) {
  try {
    parse_yaml(text, "f.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("the_reader_builds_the_tree_yaml_cpp_builds_for_every_shipped_yaml_file") {
  int files = 0;
  for (const char* dir : {"configs", "examples", "tests"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(TILESIM_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".yaml" || e.path().string().find("/fuzz/") != std::string::npos) continue;
      INFO("file: " << e.path().string());
      const std::string text = read(e.path());
      CHECK(difference(parse_yaml(text, e.path().string()), YAML::Load(text), "") == "");
      ++files;
    }
  }
  CHECK(files > 100);
}

TEST_CASE("the_reader_follows_yaml_cpp_on_nulls_tags_aliases_and_flow_collections") {
  const std::string text =
      "a:\nb: ~\nc: null\nd: 'null'\ne: \"\"\nf: !!str 3\ng: &x {p: 1, q: [1, 2]}\nh: *x\ni: [a, {k: v}]\n"
      "j: |\n  text\nk: [a: 1]\n";
  CHECK(difference(parse_yaml(text, "f.yaml"), YAML::Load(text), "") == "");
  const YAML::Node n = parse_yaml(text, "f.yaml");
  CHECK(n["a"].IsNull());
  CHECK(n["a"].Mark().line == 0);
  CHECK(n["d"].Scalar() == "null");
  CHECK(n["h"].is(n["g"]));  // an alias is the node it names, as in yaml-cpp
}

TEST_CASE("the_reader_reads_the_first_document_and_an_empty_text_as_nothing") {
  CHECK(parse_yaml("a: 1\n---\nb: 2\n", "f.yaml")["a"].as<int>() == 1);
  CHECK(!parse_yaml("a: 1\n---\nb: 2\n", "f.yaml")["b"]);
  CHECK(parse_yaml("", "f.yaml").IsNull());
}

TEST_CASE("a_yaml_syntax_error_is_located_by_line_and_column") {
  CHECK(refusal("a: 1\nb: [1, 2\n") == "f.yaml:3:1: did not find expected ',' or ']' (while parsing a flow sequence)");
  CHECK(refusal("a: b: c\n") == "f.yaml:1:5: mapping values are not allowed in this context");
  CHECK(refusal("a: 1\nb: \"x\xff\"\n").rfind("f.yaml:2:", 0) == 0);  // invalid UTF-8, by its line
  CHECK(refusal(std::string("a: \x01\n", 6)).find("control characters are not allowed") != std::string::npos);
}

TEST_CASE("nesting_past_the_limit_is_refused_while_parsing") {
  const std::string deep = "a: " + std::string(kMaxYamlDepth, '[') + std::string(kMaxYamlDepth, ']') + "\n";
  CHECK(refusal(deep) == "accepted");
  const std::string deeper = "a: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  CHECK(refusal(deeper) == "f.yaml:1:36: nested deeper than 32 levels");
}

TEST_CASE("an_alias_to_no_anchor_or_to_a_node_that_contains_it_is_refused") {
  CHECK(refusal("a: *x\n") == "f.yaml:1:4: alias *x refers to no anchor &x before it");
  CHECK(refusal("a: &x [1, *x]\n") == "f.yaml:1:11: alias *x refers to a node that contains it");
}

TEST_CASE("aliases_that_expand_past_a_million_values_are_refused") {
  // Nine levels of ten aliases each name 10^9 values in a few hundred bytes.
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", *l" : "*l") + std::to_string(i - 1);
    text += "]\n";
  }
  const fs::path file = fs::temp_directory_path() / "tilesim_laughs.yaml";
  std::ofstream(file) << text;
  std::string error;
  try {
    load_yaml_map(file.string());
  } catch (const ConfigError& e) {
    error = e.what();
  }
  fs::remove(file);
  CHECK(error.find("more than 1000000 values once aliases are expanded") != std::string::npos);
}

TEST_CASE("a_copied_tree_keeps_every_value_tag_and_mark") {
  for (const auto& e : fs::recursive_directory_iterator(fs::path(TILESIM_SOURCE_DIR) / "configs")) {
    if (e.path().extension() != ".yaml") continue;
    INFO("file: " << e.path().string());
    const YAML::Node tree = parse_yaml(read(e.path()), e.path().string());
    CHECK(difference(copy_tree(tree), tree, "") == "");
  }
}
