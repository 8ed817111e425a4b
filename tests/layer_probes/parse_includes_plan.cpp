// Must not compile: logic/parse/ is below logic/plan/ (the parser knows nothing of planning).
#include "logic/plan/page_plan.hpp"
