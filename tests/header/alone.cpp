// The public header compiles alone as C++ (extern "C", no C-only constructs).
#include "tcpstate.h"
