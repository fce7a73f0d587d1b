#pragma once
// The public datasets `tilesim validate --dataset` knows, read from a tree laid out as
// ../shared/validation-data.
#include <string>
#include <vector>

#include "validation/validator.hpp"

namespace tilesim {

std::vector<ValidationRow> validate_dataset(const std::string& dataset, const std::string& root,
                                            std::vector<std::string>& notes);

}  // namespace tilesim
