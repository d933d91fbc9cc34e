/* Media Foundation capture for the camera package (Windows only): a thin C layer over
   mfplat/mfreadwrite that the Go side drives; every function returns an HRESULT. */
#ifndef GUICHET_MF_WINDOWS_H
#define GUICHET_MF_WINDOWS_H
#include <stdint.h>

typedef struct gc_cam gc_cam;

/* gc_type is one native media type of a camera: a FourCC subtype and a frame size. */
typedef struct {
	uint32_t fourcc;
	int32_t width, height;
} gc_type;

long gc_startup(void);
/* gc_list returns, in *out (malloc'ed, free with free), one line per video capture device:
   "friendly name\tsymbolic link\n", both UTF-8, and their number in *n. */
long gc_list(char **out, int *n);
long gc_open(const char *link, gc_cam **cam);
long gc_types(gc_cam *cam, gc_type *types, int max, int *n);
long gc_select(gc_cam *cam, int index);
/* gc_read blocks for the next sample and copies it into buf; *len is its size (0 for a
   stream tick), larger than cap when buf was too small (nothing copied then). */
long gc_read(gc_cam *cam, uint8_t *buf, int cap, int *len, uint32_t *flags);
void gc_shutdown(gc_cam *cam);
void gc_free(gc_cam *cam);
#endif
