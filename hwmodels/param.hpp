#pragma once
// A parameter of a hardware component or an engine, declared once with its unit, meaning, default
// and bounds, and bound to the member that holds it: a number, a whole number, a flag, text, or
// one of a fixed set of choices bound to an enum. The declaration drives parsing, validation,
// `tilesim soc show` and docs/soc-format.md.
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "hwmodels/units.hpp"

namespace tilesim {

struct ParamDecl {
  std::string key;
  Unit unit = Unit::count;
  std::string meaning;
  std::optional<double> default_value;  // nullopt (and no default_text): required
  std::string default_text;
  double min = 0.0;
  double max = std::numeric_limits<double>::infinity();
  double min_nonzero = 0.0;              // where 0 means "derive it" or "none": the least other value
  bool integral = false;                 // counts that must be whole numbers (bound to int64_t)
  std::vector<std::string> choices;      // for text parameters: the allowed values
  bool is_text = false;
  bool is_flag = false;                  // true/false
};

// The names an enum's values are written as, in the order the reference lists them.
template <class E>
using ChoiceTable = std::vector<std::pair<std::string, E>>;

template <class E>
const std::string& choice_name(const ChoiceTable<E>& table, E value) {
  for (const auto& [name, v] : table)
    if (v == value) return name;
  throw std::logic_error("choice_name: a value missing from its choice table");
}

// An enum member read and written by the index of its choice in the declaration.
template <class T>
struct ChoiceMember {
  std::function<void(T&, size_t)> set;
  std::function<size_t(const T&)> index;
};

// A declared parameter bound to the member of T that holds it.
template <class T>
struct Field {
  ParamDecl decl;
  std::variant<double T::*, int64_t T::*, bool T::*, std::string T::*, ChoiceMember<T>> member;
};

// A text parameter with a fixed set of choices, bound to an enum member: the choices are the table's names.
template <class T, class E>
Field<T> choice_field(ParamDecl decl, E T::*member, const ChoiceTable<E>& table) {
  decl.is_text = true;
  decl.choices.clear();
  for (const auto& entry : table) decl.choices.push_back(entry.first);
  ChoiceMember<T> bound{[member, table](T& t, size_t i) { t.*member = table.at(i).second; },
                        [member, table](const T& t) {
                          for (size_t i = 0; i < table.size(); ++i)
                            if (table[i].second == t.*member) return i;
                          return table.size();
                        }};
  return Field<T>{std::move(decl), std::move(bound)};
}

}  // namespace tilesim
