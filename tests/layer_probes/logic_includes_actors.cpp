// Must not compile: logic/ is below actors/.
#include "actors/emitter.hpp"
