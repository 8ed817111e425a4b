// Must not compile: the pipeline's wiring (pipeline/, beside its messages/) sits above
// sinks/ and actors/; they see only pipeline/messages/.
#include "pipeline/read_pipeline.hpp"
