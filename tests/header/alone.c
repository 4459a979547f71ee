/* The public header compiles alone: nothing before it, nothing after it. */
#include "tcpstate.h"
