#include <iostream>

#include "sim/app/cli.hpp"

int main(int argc, char** argv) { return tilesim::run_cli(argc, argv, std::cout, std::cerr); }
