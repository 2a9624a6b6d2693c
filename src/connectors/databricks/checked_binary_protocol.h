// Thrift's binary protocol with the type bytes of fields, lists, sets and maps checked
// before they become a TType. Thrift converts whatever byte the server sent straight
// into the enum, which is undefined behaviour for a byte outside it (a hostile or
// broken server's, found by fuzz/databricks_replies_fuzzer.cc); here such a byte is a
// protocol error, reported like any other invalid reply. Container sizes are checked
// too: Thrift's generated code allocates every element of a list before reading one,
// as the type the IDL declares whatever type the reply claims, so a few bytes claiming
// millions of elements would cost gigabytes. Here each element needs at least one byte
// of the reply, no container holds more than ten pages of rows, and the byte count
// cannot overflow (Thrift's own check multiplies in int). Internal to the connector.
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
