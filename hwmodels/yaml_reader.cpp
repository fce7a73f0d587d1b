#include "hwmodels/yaml_reader.hpp"

#include <yaml.h>

#include <algorithm>
#include <memory>
#include <new>
#include <unordered_map>
#include <vector>

#include "hwmodels/config_error.hpp"

namespace tilesim {
struct YamlTreeAccess {};
}  // namespace tilesim

// yaml-cpp builds a Node around its internal node only through its own parser; `as_if` is the
// template the Node class befriends for conversions, and this specialisation of it, for a type of
// ours, is what lets the tree built here be handed out as an ordinary Node.
template <>
struct YAML::as_if<tilesim::YamlTreeAccess, tilesim::YamlTreeAccess> {
  static Node wrap(detail::node& root, const detail::shared_memory_holder& memory) { return Node(root, memory); }
};

namespace tilesim {
namespace {

thread_local YAML::detail::shared_memory_holder arena_memory;  // set while a YamlArena lives

YAML::detail::shared_memory_holder node_store() {
  return arena_memory ? arena_memory : std::make_shared<YAML::detail::memory_holder>();
}

using Access = YAML::as_if<YamlTreeAccess, YamlTreeAccess>;

YAML::Mark mark_of(const yaml_mark_t& m) {
  YAML::Mark mark;
  mark.pos = static_cast<int>(m.index);
  mark.line = static_cast<int>(m.line);
  mark.column = static_cast<int>(m.column);
  return mark;
}

std::string text_of(const yaml_char_t* s) { return s ? reinterpret_cast<const char*>(s) : ""; }

// yaml-cpp's rule: an untagged plain scalar spelled as YAML's null is a null node.
bool is_null_text(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

class Parser {
 public:
  Parser(const std::string& text, const std::string& file) : file_(file), text_(text) {
    if (!yaml_parser_initialize(&parser_)) throw std::bad_alloc();
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~Parser() { yaml_parser_delete(&parser_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  YAML::Node first_document() {
    for (;;) {
      Event e(*this);
      switch (e.ev.type) {
        case YAML_STREAM_END_EVENT:
          return YAML::Node();
        case YAML_DOCUMENT_END_EVENT:
          return root_ ? Access::wrap(*root_, memory_) : YAML::Node();
        case YAML_ALIAS_EVENT:
          alias(e.ev);
          break;
        case YAML_SCALAR_EVENT:
          scalar(e.ev);
          break;
        case YAML_SEQUENCE_START_EVENT:
          open(e.ev, e.ev.data.sequence_start, YAML::NodeType::Sequence,
               e.ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE);
          break;
        case YAML_MAPPING_START_EVENT:
          open(e.ev, e.ev.data.mapping_start, YAML::NodeType::Map, e.ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE);
          break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
          open_.pop_back();
          pop();
          break;
        default:  // stream and document starts
          break;
      }
    }
  }

 private:
  // One event, parsed on construction and freed on destruction.
  struct Event {
    yaml_event_t ev;
    explicit Event(Parser& p) {
      if (!yaml_parser_parse(&p.parser_, &ev)) p.fail();
    }
    ~Event() { yaml_event_delete(&ev); }
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;
  };

  [[noreturn]] void fail() const {
    if (parser_.error == YAML_MEMORY_ERROR) throw std::bad_alloc();
    std::string msg = parser_.problem ? parser_.problem : "malformed YAML";
    if (parser_.error == YAML_READER_ERROR) {
      // The reader knows a byte offset only: count the lines before it.
      const std::size_t at = std::min(parser_.problem_offset, text_.size());
      const auto line = std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(at), '\n');
      const std::size_t line_start = text_.rfind('\n', at == 0 ? 0 : at - 1);
      const std::size_t column = line_start == std::string::npos || at == 0 ? at : at - line_start - 1;
      throw ConfigError(located(file_, static_cast<int>(line), static_cast<int>(column), "", msg));
    }
    if (parser_.context) msg += std::string(" (") + parser_.context + ")";
    throw ConfigError(located(file_, static_cast<int>(parser_.problem_mark.line),
                              static_cast<int>(parser_.problem_mark.column), "", msg));
  }

  [[noreturn]] void fail_at(const yaml_event_t& e, const std::string& msg) const {
    throw ConfigError(located(file_, static_cast<int>(e.start_mark.line), static_cast<int>(e.start_mark.column), "", msg));
  }

  YAML::detail::node& push(const yaml_event_t& e, const std::string& anchor) {
    YAML::detail::node& n = memory_->create_node();
    n.set_mark(mark_of(e.start_mark));
    if (!anchor.empty()) anchors_[anchor] = &n;
    stack_.push_back(&n);
    return n;
  }

  // Attaches the node on top of the stack to the collection below it, as yaml-cpp does: a map's
  // entries arrive as key, value, key, value.
  void pop() {
    if (stack_.size() == 1) {
      root_ = stack_.back();
      stack_.pop_back();
      return;
    }
    YAML::detail::node& n = *stack_.back();
    stack_.pop_back();
    Open& in = open_.back();
    if (in.collection->type() == YAML::NodeType::Sequence) {
      in.collection->push_back(n, memory_);
    } else if (in.pending_key == nullptr) {
      in.pending_key = &n;
    } else {
      in.collection->insert(*in.pending_key, n, memory_);
      in.pending_key = nullptr;
    }
  }

  void scalar(const yaml_event_t& e) {
    const auto& s = e.data.scalar;
    const std::string value(reinterpret_cast<const char*>(s.value), s.length);
    std::string tag = text_of(s.tag);
    YAML::detail::node& n = push(e, text_of(s.anchor));
    if (tag.empty() && s.style == YAML_PLAIN_SCALAR_STYLE && is_null_text(value)) {
      n.set_null();
    } else {
      n.set_scalar(value);
      n.set_tag(tag.empty() ? (s.style == YAML_PLAIN_SCALAR_STYLE ? "?" : "!") : tag);
    }
    pop();
  }

  void alias(const yaml_event_t& e) {
    const std::string name = text_of(e.data.alias.anchor);
    const auto it = anchors_.find(name);
    if (it == anchors_.end()) fail_at(e, "alias *" + name + " refers to no anchor &" + name + " before it");
    // An alias inside the node it names would make the tree a loop.
    if (std::any_of(open_.begin(), open_.end(), [&](const Open& o) { return o.collection == it->second; }))
      fail_at(e, "alias *" + name + " refers to a node that contains it");
    stack_.push_back(it->second);
    pop();
  }

  // A sequence or map begins (`start`: the event's sequence_start or mapping_start).
  template <class Start>
  void open(const yaml_event_t& e, const Start& start, YAML::NodeType::value type, bool flow) {
    if (static_cast<int>(open_.size()) > kMaxYamlDepth)
      fail_at(e, "nested deeper than " + std::to_string(kMaxYamlDepth) + " levels");
    YAML::detail::node& n = push(e, text_of(start.anchor));
    const std::string tag = text_of(start.tag);
    n.set_type(type);
    n.set_tag(tag.empty() ? "?" : tag);
    n.set_style(flow ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block);
    open_.push_back(Open{&n, nullptr});
  }

  struct Open {
    YAML::detail::node* collection;
    YAML::detail::node* pending_key;  // a map's key whose value has not arrived yet
  };

  yaml_parser_t parser_{};
  const std::string& file_;
  const std::string& text_;
  YAML::detail::shared_memory_holder memory_ = node_store();
  std::vector<YAML::detail::node*> stack_;  // nodes being built, innermost last
  std::vector<Open> open_;                  // the collections among them
  std::unordered_map<std::string, YAML::detail::node*> anchors_;
  YAML::detail::node* root_ = nullptr;
};

}  // namespace

YAML::Node parse_yaml(const std::string& text, const std::string& file) { return Parser(text, file).first_document(); }

YamlArena::YamlArena() : outermost_(!arena_memory) {
  if (outermost_) arena_memory = std::make_shared<YAML::detail::memory_holder>();
}

YamlArena::~YamlArena() {
  if (outermost_) arena_memory.reset();  // the trees made in it keep the store alive
}

namespace {

YAML::detail::node& copy_node(const YAML::Node& src, const YAML::detail::shared_memory_holder& memory) {
  YAML::detail::node& dst = memory->create_node();
  dst.set_mark(src.Mark());
  switch (src.Type()) {
    case YAML::NodeType::Null:
      dst.set_null();
      break;
    case YAML::NodeType::Scalar:
      dst.set_scalar(src.Scalar());
      dst.set_tag(src.Tag());
      break;
    case YAML::NodeType::Sequence:
      dst.set_type(YAML::NodeType::Sequence);
      for (const YAML::Node& item : src) dst.push_back(copy_node(item, memory), memory);
      break;
    case YAML::NodeType::Map:
      dst.set_type(YAML::NodeType::Map);
      for (const auto& kv : src) {
        YAML::detail::node& key = copy_node(kv.first, memory);
        dst.insert(key, copy_node(kv.second, memory), memory);
      }
      break;
    case YAML::NodeType::Undefined:
      break;
  }
  if (src.IsSequence() || src.IsMap()) {
    dst.set_tag(src.Tag());
    dst.set_style(src.Style());
  }
  return dst;
}

}  // namespace

YAML::Node copy_tree(const YAML::Node& tree) {
  if (!tree.IsDefined()) return YAML::Node();
  const YAML::detail::shared_memory_holder memory = node_store();
  return Access::wrap(copy_node(tree, memory), memory);
}

YAML::Node yaml_map() {
  const YAML::detail::shared_memory_holder memory = node_store();
  YAML::detail::node& n = memory->create_node();
  n.set_type(YAML::NodeType::Map);
  return Access::wrap(n, memory);
}

}  // namespace tilesim
