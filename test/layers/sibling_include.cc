// Must not compile: one connector does not include another's headers.
#include "connectors/s3/s3_client.h"
