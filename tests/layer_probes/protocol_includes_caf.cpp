// Must not compile: protocol/ is CAF-free.
#include <caf/actor.hpp>
