// Sending a large file to cloud storage in parts (S3 multipart uploads, Azure blocks):
// a few workers each read the next part from the file and send it, so memory stays at
// workers x part_bytes whatever the file's size.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "mortar/core/result.h"

namespace mortar {

// Calls send(part, body) for parts 0..ceil(size / part_bytes)-1, `workers` at a time.
// After the first failure no new part starts; that failure is returned.
Status SendFileParts(const std::filesystem::path& file, int64_t size, int64_t part_bytes,
                     int workers, const std::function<Status(int64_t, std::string)>& send);

// A file that fits in one part goes to send_whole(body); a larger one to
// send_in_parts(size) (which uses SendFileParts).
Status SendFile(const std::filesystem::path& file, int64_t part_bytes,
                const std::function<Status(std::string)>& send_whole,
                const std::function<Status(int64_t)>& send_in_parts);

}  // namespace mortar
