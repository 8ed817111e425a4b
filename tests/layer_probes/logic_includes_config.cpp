// Compiles: logic/ may include the layers below it (the control for the probes that must not).
#include "config/connector_config.hpp"
#include "logic/plan/page_plan.hpp"
