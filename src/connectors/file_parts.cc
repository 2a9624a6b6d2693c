#include "connectors/file_parts.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

namespace mortar {

Status SendFileParts(const std::filesystem::path& file, int64_t size, int64_t part_bytes,
                     int workers, const std::function<Status(int64_t, std::string)>& send) {
  int64_t parts = (size + part_bytes - 1) / part_bytes;
  std::atomic<int64_t> next{0};
  std::mutex failure_mutex;
  Status failure;
  auto worker = [&] {
    std::ifstream in(file, std::ios::binary);
    for (int64_t part = next++; part < parts; part = next++) {
      {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure.ok()) return;
      }
      int64_t offset = part * part_bytes;
      std::string body(static_cast<std::size_t>(std::min(part_bytes, size - offset)), '\0');
      in.seekg(offset);
      in.read(body.data(), static_cast<std::streamsize>(body.size()));
      Status sent = in ? send(part, std::move(body))
                       : Status::NotFound("cannot read " + file.string() + " at byte " +
                                          std::to_string(offset));
      if (!sent.ok()) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (failure.ok()) failure = sent;
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  int count = static_cast<int>(std::min<int64_t>(workers, parts));
  for (int i = 0; i < count; ++i) threads.emplace_back(worker);
  for (auto& thread : threads) thread.join();
  return failure;
}

Status SendFile(const std::filesystem::path& file, int64_t part_bytes,
                const std::function<Status(std::string)>& send_whole,
                const std::function<Status(int64_t)>& send_in_parts) {
  std::error_code error;
  auto size = static_cast<int64_t>(std::filesystem::file_size(file, error));
  if (error) return Status::NotFound("cannot read " + file.string() + ": " + error.message());
  if (size > part_bytes) return send_in_parts(size);
  std::ifstream in(file, std::ios::binary);
  std::string body(static_cast<std::size_t>(size), '\0');
  in.read(body.data(), size);
  if (!in) return Status::NotFound("cannot read " + file.string());
  return send_whole(std::move(body));
}

}  // namespace mortar
