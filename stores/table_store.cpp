#include "stores/table_store.hpp"

namespace klarna::stores {

void table_store::in_transaction(const std::function<void()>& work) {
  execute("BEGIN");
  try {
    work();
    execute("COMMIT");
  } catch (...) {
    rollback();
    throw;
  }
}

} // namespace klarna::stores
