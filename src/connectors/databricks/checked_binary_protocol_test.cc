// A hostile server's type bytes: refused as a protocol error instead of becoming an
// out-of-range TType (found by fuzz/databricks_replies_fuzzer.cc; the input is kept as
// fuzz/corpus/databricks_replies_fuzzer/regression_unknown_thrift_type).
#include "connectors/databricks/checked_binary_protocol.h"

#include <gtest/gtest.h>
#include <thrift/transport/TBufferTransports.h>

#include <optional>
#include <string>

#include "TCLIService.h"

namespace mortar::databricks {
namespace {

using apache::thrift::protocol::TProtocolException;
using apache::thrift::transport::TMemoryBuffer;
using apache::thrift::transport::TTransportException;

// A reply of these bytes: like ThriftHttpTransport, the transport knows its size.
std::shared_ptr<TMemoryBuffer> Bytes(std::string bytes) {
  auto buffer = std::make_shared<TMemoryBuffer>(
      std::make_shared<apache::thrift::TConfiguration>(static_cast<int>(bytes.size())));
  buffer->write(reinterpret_cast<const uint8_t*>(bytes.data()),
                static_cast<uint32_t>(bytes.size()));
  return buffer;
}

// Reads a TStatus from a reply of these bytes, which must fail with `Exception`; returns
// that exception (type and message), or nothing when the read failed otherwise or not.
template <typename Exception>
std::optional<Exception> StatusReadFails(std::string bytes) {
  CheckedBinaryProtocol protocol(Bytes(std::move(bytes)));
  wire::TStatus status;
  try {
    status.read(&protocol);
  } catch (const Exception& error) {
    return error;
  }
  return std::nullopt;
}

TEST(CheckedBinaryProtocolTest, ReadsWhatThriftWrote) {
  wire::TStatus written;
  written.statusCode = 3;
  written.__set_sqlState("42601");
  written.__set_infoMessages({"a", "b"});
  auto buffer = std::make_shared<TMemoryBuffer>();
  CheckedBinaryProtocol protocol(buffer);
  written.write(&protocol);
  wire::TStatus read;
  read.read(&protocol);
  EXPECT_EQ(read, written);
}

TEST(CheckedBinaryProtocolTest, AnUnknownFieldTypeIsAProtocolError) {
  // A TStatus whose first field claims type 0x7f.
  auto error = StatusReadFails<TProtocolException>(std::string("\x7f\x00\x01", 3));
  ASSERT_TRUE(error) << "read an unknown field type";
  EXPECT_EQ(error->getType(), TProtocolException::INVALID_DATA);
  EXPECT_NE(std::string(error->what()).find("unknown Thrift type 127"), std::string::npos);
}

TEST(CheckedBinaryProtocolTest, AnUnknownElementTypeIsAProtocolError) {
  // TStatus.infoMessages (field 2, a list) whose elements claim type -3.
  auto error =
      StatusReadFails<TProtocolException>(std::string("\x0f\x00\x02\xfd\x00\x00\x00\x01", 8));
  ASSERT_TRUE(error) << "read an unknown element type";
  EXPECT_NE(std::string(error->what()).find("unknown Thrift type -3"), std::string::npos);
}

TEST(CheckedBinaryProtocolTest, ANegativeSizeIsAProtocolError) {
  auto error =
      StatusReadFails<TProtocolException>(std::string("\x0f\x00\x02\x0b\xff\xff\xff\xff", 8));
  ASSERT_TRUE(error) << "read a negative size";
  EXPECT_EQ(error->getType(), TProtocolException::NEGATIVE_SIZE);
}

TEST(CheckedBinaryProtocolTest, ElementsOfNoSizeStillNeedAByteEach) {
  // TStatus.infoMessages claiming 100,000 elements of type STOP (no size in Thrift's
  // own check) in a reply of 8 bytes (fuzz/corpus/databricks_replies_fuzzer/
  // regression_zero_size_elements).
  auto error =
      StatusReadFails<TTransportException>(std::string("\x0f\x00\x02\x00\x00\x01\x86\xa0", 8));
  ASSERT_TRUE(error) << "read 100,000 elements from 8 bytes";
  // Refused on the claim, not on running out of bytes after allocating.
  EXPECT_NE(std::string(error->what()).find("MaxMessageSize"), std::string::npos) << error->what();
}

TEST(CheckedBinaryProtocolTest, NoContainerHoldsMoreThanTenPages) {
  // 2,097,152 strings (fuzz/corpus/databricks_replies_fuzzer/regression_struct_list_claim
  // claimed millions of structs; regression_container_size_overflow a count whose
  // byte count overflowed Thrift's own check).
  auto error =
      StatusReadFails<TProtocolException>(std::string("\x0f\x00\x02\x0b\x00\x20\x00\x00", 8));
  ASSERT_TRUE(error) << "read a list of 2097152 strings";
  EXPECT_EQ(error->getType(), TProtocolException::SIZE_LIMIT);
}

TEST(CheckedBinaryProtocolTest, AStringLongerThanTheReplyIsRefusedBeforeAllocating) {
  // TStatus.sqlState claiming 1 GiB in a reply of 7 bytes.
  auto error = StatusReadFails<TTransportException>(std::string("\x0b\x00\x03\x40\x00\x00\x00", 7));
  ASSERT_TRUE(error) << "read a string of 1 GiB from 7 bytes";
  EXPECT_NE(std::string(error->what()).find("MaxMessageSize"), std::string::npos) << error->what();
}

TEST(CheckedBinaryProtocolTest, AnUnknownMessageTypeIsAProtocolError) {
  CheckedBinaryProtocol protocol(Bytes(std::string("\x80\x01\x00\x7f\x00\x00\x00\x00", 8)));
  std::string name;
  apache::thrift::protocol::TMessageType type;
  int32_t sequence = 0;
  try {
    protocol.readMessageBegin(name, type, sequence);
    FAIL() << "read message type 127";
  } catch (const TProtocolException& error) {
    EXPECT_NE(std::string(error.what()).find("unknown Thrift message type 127"), std::string::npos);
  }
}

}  // namespace
}  // namespace mortar::databricks
