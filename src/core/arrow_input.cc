#include "mortar/core/arrow_input.h"

#include <arrow/record_batch.h>

#include <string>

namespace mortar {

Status ValidateArrowInput(const arrow::RecordBatch& batch, std::string_view source) {
  arrow::Status valid = batch.ValidateFull();
  if (valid.ok()) return Status::OK();
  return Status::Invalid(std::string(source) +
                         " holds invalid Arrow data, refused: " + valid.message());
}

}  // namespace mortar
