// Must not compile: actors/ and sinks/ know each other only through messages/.
#include "sinks/sink_registry.hpp"
