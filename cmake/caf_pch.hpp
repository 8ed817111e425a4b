// Precompiled header of the actor code: CAF's headers dominate compile time.
#pragma once

#include <caf/all.hpp>
