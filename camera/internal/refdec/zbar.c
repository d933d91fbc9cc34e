//go:build refdecoders

#include <string.h>
#include <zbar.h>
#include "refdec.h"

void *zbar_new(void) {
	zbar_image_scanner_t *s = zbar_image_scanner_create();
	zbar_image_scanner_set_config(s, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(s, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	return s;
}

void zbar_free(void *s) { zbar_image_scanner_destroy((zbar_image_scanner_t *)s); }

int zbar_decode(void *sp, const unsigned char *gray, int w, int h, char *out, int cap) {
	zbar_image_scanner_t *s = (zbar_image_scanner_t *)sp;
	zbar_image_t *img = zbar_image_create();
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, w, h);
	zbar_image_set_data(img, gray, (unsigned long)w * h, NULL);
	int n = 0;
	if (zbar_scan_image(s, img) > 0) {
		const zbar_symbol_t *sym = zbar_image_first_symbol(img);
		if (sym) {
			const char *d = zbar_symbol_get_data(sym);
			unsigned int len = zbar_symbol_get_data_length(sym);
			n = (int)len < cap ? (int)len : cap;
			memcpy(out, d, n);
		}
	}
	zbar_image_destroy(img);
	return n;
}
