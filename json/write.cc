#include "json/write.h"
