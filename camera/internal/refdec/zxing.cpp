//go:build refdecoders

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>
#include <cstring>
#include "refdec.h"

extern "C" int zxing_decode(const unsigned char *gray, int w, int h, char *out, int cap) {
	ZXing::ImageView iv(gray, w, h, ZXing::ImageFormat::Lum);
	ZXing::DecodeHints hints;
	hints.setFormats(ZXing::BarcodeFormat::QRCode);
	auto r = ZXing::ReadBarcode(iv, hints);
	if (!r.isValid()) return 0;
	std::string t = r.text();
	int n = (int)t.size() < cap ? (int)t.size() : cap;
	std::memcpy(out, t.data(), n);
	return n;
}
