#include "json/parse.h"
