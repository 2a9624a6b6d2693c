#include "connectors/databricks/deletion_vector.h"

#include <arrow/util/crc32.h>

#include <algorithm>
#include <bit>

namespace mortar::databricks {

namespace {

constexpr std::string_view kZ85Alphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
// The bitmap's first four bytes (little-endian): the 64-bit bitmap in Roaring's portable
// form (a 64-bit count of 32-bit bitmaps, then each after its high bits), or Delta's
// older native form (a 32-bit count, then each 32-bit bitmap after its length).
constexpr uint32_t kPortableMagic = 1681511377;
constexpr uint32_t kNativeMagic = 1681511376;
// Roaring's cookies: with run containers (and the count in the high half), without.
constexpr uint32_t kCookieWithRuns = 12347;
constexpr uint32_t kCookieWithoutRuns = 12346;
constexpr uint32_t kMaxArrayCardinality = 4096;

// Reads little-endian integers from outside input, never past its end.
class Bytes {
 public:
  Bytes(std::string_view data, const std::string& what) : data_(data), what_(what) {}

  template <typename T>
  Result<T> Next() {
    if (data_.size() - position_ < sizeof(T)) return Truncated();
    uint64_t value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      value |= static_cast<uint64_t>(static_cast<uint8_t>(data_[position_ + i])) << (8 * i);
    }
    position_ += sizeof(T);
    return static_cast<T>(value);
  }
  Status Skip(std::size_t count) {
    if (data_.size() - position_ < count) return Truncated();
    position_ += count;
    return Status::OK();
  }
  bool done() const { return position_ == data_.size(); }

 private:
  Status Truncated() const {
    return Status::Invalid("the deletion vector of " + what_ + " ends early (corrupt?)");
  }
  std::string_view data_;
  const std::string& what_;
  std::size_t position_ = 0;
};

uint32_t BigEndian32(std::string_view bytes) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(bytes[0])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(bytes[1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(bytes[2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[3]));
}

}  // namespace

Result<std::string> Z85Decode(std::string_view text) {
  if (text.size() % 5 != 0) {
    return Status::Invalid("Z85 text of " + std::to_string(text.size()) +
                           " characters, not a multiple of five");
  }
  std::string out;
  out.reserve(text.size() / 5 * 4);
  for (std::size_t i = 0; i < text.size(); i += 5) {
    uint64_t value = 0;
    for (std::size_t j = 0; j < 5; ++j) {
      std::size_t digit = kZ85Alphabet.find(text[i + j]);
      if (digit == std::string_view::npos) {
        return Status::Invalid(std::string("'") + text[i + j] + "' is not a Z85 character");
      }
      value = value * 85 + digit;
    }
    if (value > 0xFFFFFFFFULL) return Status::Invalid("Z85 group out of range");
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
  }
  return out;
}

bool StaysInTable(std::string_view path) {
  return !path.empty() && !path.starts_with("/") && path.find("://") == std::string_view::npos &&
         path.find("..") == std::string_view::npos;
}

Result<std::string> RelativeVectorPath(const DeletionVectorDescriptor& vector) {
  if (vector.storage_type == 'p') {
    if (!StaysInTable(vector.path_in_table)) {
      return Status::Invalid("a deletion vector outside the table: " + vector.path_in_table);
    }
    return vector.path_in_table;
  }
  const std::string& encoded = vector.path_or_inline;
  constexpr std::size_t kUuidCharacters = 20;  // 16 bytes in Z85
  if (vector.storage_type != 'u' || encoded.size() < kUuidCharacters) {
    return Status::Invalid("not a deletion vector stored at a relative path: " + encoded);
  }
  std::string prefix = encoded.substr(0, encoded.size() - kUuidCharacters);
  MORTAR_ASSIGN_OR_RETURN(std::string uuid, Z85Decode(encoded.substr(prefix.size())));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < uuid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += kHex[(static_cast<uint8_t>(uuid[i]) >> 4) & 0xF];
    text += kHex[static_cast<uint8_t>(uuid[i]) & 0xF];
  }
  for (char c : prefix) {
    if (c == '/' || c == '.') return Status::Invalid("a deletion vector path prefix of '/' or '.'");
  }
  return (prefix.empty() ? "" : prefix + "/") + "deletion_vector_" + text + ".bin";
}

Result<std::string> InlineBitmap(const DeletionVectorDescriptor& vector) {
  MORTAR_ASSIGN_OR_RETURN(std::string decoded, Z85Decode(vector.path_or_inline));
  if (vector.size_in_bytes < 0 || decoded.size() < static_cast<std::size_t>(vector.size_in_bytes) ||
      decoded.size() - static_cast<std::size_t>(vector.size_in_bytes) > 3) {
    return Status::Invalid("an inline deletion vector of " + std::to_string(decoded.size()) +
                           " bytes where the log says " + std::to_string(vector.size_in_bytes));
  }
  decoded.resize(static_cast<std::size_t>(vector.size_in_bytes));
  return decoded;
}

Result<std::string> BitmapInVectorFile(std::string_view stored, int64_t size_in_bytes,
                                       const std::string& what) {
  if (size_in_bytes < 0 || stored.size() != static_cast<std::size_t>(size_in_bytes) + 8) {
    return Status::Invalid("the deletion vector of " + what + " was cut short in its file");
  }
  if (BigEndian32(stored) != static_cast<uint64_t>(size_in_bytes)) {
    return Status::Invalid("the deletion vector of " + what + " has size " +
                           std::to_string(BigEndian32(stored)) + " in its file, " +
                           std::to_string(size_in_bytes) + " in the log");
  }
  std::string_view bitmap = stored.substr(4, static_cast<std::size_t>(size_in_bytes));
  uint32_t checksum = BigEndian32(stored.substr(4 + bitmap.size()));
  if (arrow::internal::crc32(0, bitmap.data(), bitmap.size()) != checksum) {
    return Status::Invalid("the deletion vector of " + what + " fails its checksum (corrupt?)");
  }
  return std::string(bitmap);
}

Result<DeletedRows> DeletedRows::Parse(std::string_view bitmap, int64_t cardinality,
                                       const std::string& what) {
  Bytes in(bitmap, what);
  MORTAR_ASSIGN_OR_RETURN(uint32_t magic, in.Next<uint32_t>());
  if (magic != kPortableMagic && magic != kNativeMagic) {
    return Status::Invalid("the deletion vector of " + what + " is not a Roaring bitmap array");
  }
  uint64_t bitmaps = 0;
  if (magic == kPortableMagic) {
    MORTAR_ASSIGN_OR_RETURN(bitmaps, in.Next<uint64_t>());
  } else {
    MORTAR_ASSIGN_OR_RETURN(uint32_t count, in.Next<uint32_t>());
    bitmaps = count;
  }
  DeletedRows rows;
  auto bad = [&what](const std::string& why) {
    return Status::Invalid("the deletion vector of " + what + " is corrupt: " + why);
  };
  // Each 32-bit bitmap is at least a cookie and a count: the count cannot exceed that.
  if (bitmaps > bitmap.size() / 8) return bad("it claims " + std::to_string(bitmaps) + " bitmaps");
  for (uint64_t b = 0; b < bitmaps; ++b) {
    uint64_t high = b;
    if (magic == kPortableMagic) {
      MORTAR_ASSIGN_OR_RETURN(uint32_t key, in.Next<uint32_t>());
      high = key;
    } else {  // each bitmap's length first; the bitmap itself says where it ends
      MORTAR_RETURN_IF_ERROR(in.Skip(4));
    }
    MORTAR_ASSIGN_OR_RETURN(uint32_t cookie, in.Next<uint32_t>());
    const bool with_runs = (cookie & 0xFFFF) == kCookieWithRuns;
    uint32_t count = 0;
    std::vector<uint8_t> run_flags;
    if (with_runs) {
      count = (cookie >> 16) + 1;
      for (uint32_t i = 0; i < (count + 7) / 8; ++i) {
        MORTAR_ASSIGN_OR_RETURN(uint8_t flags, in.Next<uint8_t>());
        run_flags.push_back(flags);
      }
    } else if (cookie == kCookieWithoutRuns) {
      MORTAR_ASSIGN_OR_RETURN(count, in.Next<uint32_t>());
      if (count > 65536) return bad("a bitmap of " + std::to_string(count) + " containers");
    } else {
      return bad("an unknown Roaring cookie " + std::to_string(cookie));
    }
    std::vector<std::pair<uint16_t, uint32_t>> headers;  // key, cardinality
    for (uint32_t i = 0; i < count; ++i) {
      MORTAR_ASSIGN_OR_RETURN(uint16_t key, in.Next<uint16_t>());
      MORTAR_ASSIGN_OR_RETURN(uint16_t less_one, in.Next<uint16_t>());
      headers.emplace_back(key, static_cast<uint32_t>(less_one) + 1);
    }
    if (!with_runs || count >= 4) MORTAR_RETURN_IF_ERROR(in.Skip(4ULL * count));  // offsets
    for (uint32_t i = 0; i < count; ++i) {
      Container container;
      container.key = (high << 16) | headers[i].first;
      if (!rows.containers_.empty() && container.key <= rows.containers_.back().key) {
        return bad("its containers are out of order");
      }
      if (with_runs && (run_flags[i / 8] >> (i % 8)) & 1) {
        container.kind = Container::Kind::kRuns;
        MORTAR_ASSIGN_OR_RETURN(uint16_t runs, in.Next<uint16_t>());
        uint32_t covered = 0;
        for (uint32_t r = 0; r < runs; ++r) {
          MORTAR_ASSIGN_OR_RETURN(uint16_t start, in.Next<uint16_t>());
          MORTAR_ASSIGN_OR_RETURN(uint16_t length, in.Next<uint16_t>());
          if (static_cast<uint32_t>(start) + length > 0xFFFF)
            return bad("a run past its container");
          if (!container.values.empty() &&
              start <= static_cast<uint32_t>(container.values[container.values.size() - 2]) +
                           container.values.back()) {
            return bad("its runs overlap or are out of order");
          }
          container.values.push_back(start);
          container.values.push_back(length);
          covered += static_cast<uint32_t>(length) + 1;
        }
        rows.cardinality_ += covered;
      } else if (headers[i].second <= kMaxArrayCardinality) {
        container.kind = Container::Kind::kArray;
        for (uint32_t v = 0; v < headers[i].second; ++v) {
          MORTAR_ASSIGN_OR_RETURN(uint16_t value, in.Next<uint16_t>());
          if (!container.values.empty() && value <= container.values.back()) {
            return bad("its values are out of order");
          }
          container.values.push_back(value);
        }
        rows.cardinality_ += headers[i].second;
      } else {
        container.kind = Container::Kind::kBitmap;
        container.bits.resize(1024);
        for (auto& word : container.bits) {
          MORTAR_ASSIGN_OR_RETURN(word, in.Next<uint64_t>());
          rows.cardinality_ += std::popcount(word);
        }
      }
      rows.containers_.push_back(std::move(container));
    }
  }
  if (!in.done()) return bad("bytes follow its last bitmap");
  if (rows.cardinality_ != cardinality) {
    return bad("it holds " + std::to_string(rows.cardinality_) + " rows where the log says " +
               std::to_string(cardinality));
  }
  return rows;
}

bool DeletedRows::Contains(uint64_t row) const {
  const uint64_t key = row >> 16;
  const uint16_t low = static_cast<uint16_t>(row & 0xFFFF);
  auto found = std::lower_bound(containers_.begin(), containers_.end(), key,
                                [](const Container& c, uint64_t k) { return c.key < k; });
  if (found == containers_.end() || found->key != key) return false;
  switch (found->kind) {
    case Container::Kind::kArray:
      return std::binary_search(found->values.begin(), found->values.end(), low);
    case Container::Kind::kBitmap:
      return (found->bits[low / 64] >> (low % 64)) & 1;
    case Container::Kind::kRuns:
      for (std::size_t r = 0; r + 1 < found->values.size(); r += 2) {
        if (low < found->values[r]) return false;
        if (low <= static_cast<uint32_t>(found->values[r]) + found->values[r + 1]) return true;
      }
      return false;
  }
  return false;
}

}  // namespace mortar::databricks
