#include "json/pointer.h"
