// Memory of downloaded CloudFetch files, kept for the next download. A read fetches
// dozens of files of about the same size; fresh memory for each had the kernel fault in
// and zero every page of every file, a tenth of a large read's CPU. Internal to the
// connector. Thread-safe: downloads take buffers on their threads, readers give them
// back on theirs.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace mortar::databricks {

class SpareBuffers {
 public:
  // Keeps at most `keep` buffers; more given back are freed.
  explicit SpareBuffers(std::size_t keep) : keep_(keep) {}

  // An empty string with the capacity of a kept buffer, or a new one.
  std::string Take();
  // A buffer whose contents are done with.
  void Give(std::string buffer);

 private:
  std::mutex mutex_;
  std::vector<std::string> spares_;
  std::size_t keep_;
};

}  // namespace mortar::databricks
