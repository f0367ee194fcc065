#include "json/base64.h"
