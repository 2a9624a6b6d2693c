// Test support: an Arrow IPC stream framed so that every record batch's body starts at
// an odd offset, as a careless or hostile writer may send it. Arrow's readers accept
// such a stream and, by default, hand out buffers at the odd addresses.
#pragma once

#include <arrow/io/memory.h>
#include <arrow/ipc/message.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace mortar::testing {

// The same stream with one byte of padding after each record batch's metadata (the
// metadata length counts it). Each message starts with the continuation marker and
// its metadata length, as Arrow has written since 0.15.
inline std::string MisalignBatchBodies(const std::string& stream) {
  std::string out;
  std::size_t pos = 0;
  while (pos + 8 <= stream.size()) {
    int32_t length = 0;
    std::memcpy(&length, stream.data() + pos + 4, sizeof(length));
    if (length == 0) break;
    arrow::io::BufferReader at(arrow::Buffer::FromString(stream.substr(pos)));
    auto message = arrow::ipc::ReadMessage(&at).ValueOrDie();
    const std::size_t body = static_cast<std::size_t>(message->body_length());
    const std::string metadata = stream.substr(pos + 8, static_cast<std::size_t>(length));
    const bool batch = message->type() == arrow::ipc::MessageType::RECORD_BATCH;
    const int32_t framed = length + (batch ? 1 : 0);
    out += stream.substr(pos, 4);
    out.append(reinterpret_cast<const char*>(&framed), sizeof(framed));
    out += metadata;
    if (batch) out += '\0';
    out += stream.substr(pos + 8 + static_cast<std::size_t>(length), body);
    pos += 8 + static_cast<std::size_t>(length) + body;
  }
  return out + stream.substr(pos);  // the end-of-stream marker
}

}  // namespace mortar::testing
