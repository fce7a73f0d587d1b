#pragma once
// A parameter of a hardware component, declared once with its unit, meaning, default and bounds.
// The declaration drives parsing, validation, `tilesim soc show` and docs/soc-format.md.
#include <limits>
#include <optional>
#include <string>
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
  bool integral = false;                 // counts that must be whole numbers
  std::vector<std::string> choices;      // for text parameters: the allowed values
  bool is_text = false;
  bool is_flag = false;                  // true/false
};

// A declared parameter bound to the member of T that holds it.
template <class T>
struct Field {
  ParamDecl decl;
  std::variant<double T::*, std::string T::*, bool T::*> member;
};

}  // namespace tilesim
