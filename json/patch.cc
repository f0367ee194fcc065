#include "json/patch.h"
