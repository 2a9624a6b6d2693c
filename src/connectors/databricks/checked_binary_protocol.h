// Thrift's binary protocol, reading a reply as a hostile or broken server may send it
// (each check below was found by fuzz/databricks_replies_fuzzer.cc):
// - type bytes (of fields, list, set and map elements, the message header) are checked
//   before they become a TType or TMessageType: Thrift converts any byte straight into
//   the enum, undefined behaviour for bytes outside it;
// - strings and containers may claim only what the reply still holds: Thrift allocates
//   a string's claimed size, and every element of a list (at the type the IDL declares,
//   whatever the reply claims), before reading them, so a few bytes could cost
//   gigabytes. Each element needs at least one byte, no container holds more than ten
//   pages of rows, and the byte count cannot overflow (Thrift's own check multiplies
//   in int).
// Such replies are protocol errors, reported like any other invalid reply. Internal to
// the connector.
#pragma once

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TProtocolException.h>
#include <thrift/protocol/TVirtualProtocol.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

namespace mortar::databricks {

class CheckedBinaryProtocol final
    : public apache::thrift::protocol::TVirtualProtocol<
          CheckedBinaryProtocol,
          apache::thrift::protocol::TBinaryProtocolT<apache::thrift::transport::TTransport>> {
 public:
  using TType = apache::thrift::protocol::TType;

  explicit CheckedBinaryProtocol(std::shared_ptr<apache::thrift::transport::TTransport> transport)
      : TVirtualProtocol(std::move(transport)) {}

  uint32_t readMessageBegin(std::string& name, apache::thrift::protocol::TMessageType& type,
                            int32_t& sequence) {
    using apache::thrift::protocol::TProtocolException;
    int32_t header = 0;
    uint32_t read = readI32(header);
    // Servers write the versioned (strict) header; the old unversioned one is refused.
    if (header >= 0 || (header & VERSION_MASK) != VERSION_1) {
      throw TProtocolException(TProtocolException::BAD_VERSION, "not a versioned Thrift message");
    }
    const int32_t kind = header & 0xff;
    if (kind < apache::thrift::protocol::T_CALL || kind > apache::thrift::protocol::T_ONEWAY) {
      throw TProtocolException(TProtocolException::INVALID_DATA,
                               "unknown Thrift message type " + std::to_string(kind));
    }
    type = static_cast<apache::thrift::protocol::TMessageType>(kind);
    read += readString(name);
    return read + readI32(sequence);
  }

  // Thrift allocates a string's claimed size before reading it: here the claim must fit
  // in what the reply still holds.
  template <typename StrType>
  uint32_t readString(StrType& str) {
    int32_t size = 0;
    uint32_t read = readI32(size);
    if (size > 0) getTransport()->checkReadBytesAvailable(size);
    return read + this->readStringBody(str, size);
  }
  uint32_t readBinary(std::string& str) { return readString(str); }

  uint32_t readFieldBegin(std::string& name, TType& field_type, int16_t& field_id) {
    (void)name;
    uint32_t read = ReadType(field_type);
    field_id = 0;
    if (field_type == apache::thrift::protocol::T_STOP) return read;
    return read + readI16(field_id);
  }

  uint32_t readMapBegin(TType& key_type, TType& value_type, uint32_t& size) {
    uint32_t read = ReadType(key_type);
    read += ReadType(value_type);
    read += ReadSize(size);
    CheckAvailable(size, getMinSerializedSize(key_type) + getMinSerializedSize(value_type));
    return read;
  }

  uint32_t readListBegin(TType& element_type, uint32_t& size) {
    uint32_t read = ReadType(element_type) + ReadSize(size);
    CheckAvailable(size, getMinSerializedSize(element_type));
    return read;
  }

  uint32_t readSetBegin(TType& element_type, uint32_t& size) {
    uint32_t read = ReadType(element_type) + ReadSize(size);
    CheckAvailable(size, getMinSerializedSize(element_type));
    return read;
  }

 private:
  uint32_t ReadType(TType& type) {
    using apache::thrift::protocol::TProtocolException;
    int8_t byte = 0;
    uint32_t read = readByte(byte);
    if (byte < apache::thrift::protocol::T_STOP || byte > apache::thrift::protocol::T_UTF16) {
      throw TProtocolException(TProtocolException::INVALID_DATA,
                               "unknown Thrift type " + std::to_string(byte));
    }
    type = static_cast<TType>(byte);
    return read;
  }

  // The largest container of a real reply is a column of one page (Mortar asks for
  // 100,000 rows a page).
  static constexpr int32_t kMaxElements = 1 << 20;

  // An element takes at least one byte, whatever the reply claims its type is.
  void CheckAvailable(uint32_t size, int element_bytes) {
    getTransport()->checkReadBytesAvailable(static_cast<long>(size) * std::max(element_bytes, 1));
  }

  uint32_t ReadSize(uint32_t& size) {
    using apache::thrift::protocol::TProtocolException;
    int32_t signed_size = 0;
    uint32_t read = readI32(signed_size);
    if (signed_size < 0) throw TProtocolException(TProtocolException::NEGATIVE_SIZE);
    if (signed_size > kMaxElements ||
        (this->container_limit_ && signed_size > this->container_limit_)) {
      throw TProtocolException(TProtocolException::SIZE_LIMIT,
                               "a container of " + std::to_string(signed_size) + " elements");
    }
    size = static_cast<uint32_t>(signed_size);
    return read;
  }
};

}  // namespace mortar::databricks
