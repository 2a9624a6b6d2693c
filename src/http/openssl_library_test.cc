// Every OpenSSL call in the process (libcurl's, libssl's, the S3 and Azure request
// signing) must reach one libcrypto: Debian's, which libssl was built against. pyarrow's
// libparquet exports a copy of its own, and the dynamic linker serves a function from the
// first library in its lookup order that has it (cmake/MortarDependencies.cmake,
// Mortar::openssl_first).
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <string>

namespace mortar::http {
namespace {

// The file of the library that serves `function` to the process.
std::string LibraryServing(const char* function) {
  void* address = dlsym(RTLD_DEFAULT, function);
  if (address == nullptr) return "(not found)";
  Dl_info info{};
  if (dladdr(address, &info) == 0 || info.dli_fname == nullptr) return "(unknown)";
  return info.dli_fname;
}

TEST(OpenSslLibraryTest, CryptoAndTlsCallsReachDebiansLibraries) {
  // A cipher (the copy inside libparquet has it) and certificate loading (it has not).
  for (const char* function :
       {"EVP_CIPHER_fetch", "EVP_DecryptUpdate", "X509_STORE_add_cert", "PEM_read_bio_X509"}) {
    EXPECT_NE(LibraryServing(function).find("libcrypto.so"), std::string::npos)
        << function << " is served by " << LibraryServing(function);
  }
  EXPECT_NE(LibraryServing("SSL_read").find("libssl.so"), std::string::npos)
      << LibraryServing("SSL_read");
}

}  // namespace
}  // namespace mortar::http
