// Writes a Patch back as text. A Patch straight from the parser comes back
// byte for byte as it was read.
#pragma once

#include <string>

#include <kseries/patch/model.hpp>

namespace kseries::patch {

[[nodiscard]] std::string write(const Patch& patch);

} // namespace kseries::patch
