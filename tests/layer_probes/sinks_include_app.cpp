// Must not compile: app/ is the top; nothing below includes it.
#include "app/read_pipeline.hpp"
