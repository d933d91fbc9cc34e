//go:build windows

/* Media Foundation capture: device enumeration (MFEnumDeviceSources), a media source per
   device (MFCreateDeviceSource) and a synchronous source reader delivering the camera's
   native samples (NV12, YUY2 or MJPG; the Go side converts them to grey). */
#define COBJMACROS
#include <windows.h>
#include <mfapi.h>
#include <mfidl.h>
#include <mfreadwrite.h>
#include <mferror.h>
#include <stdlib.h>
#include <string.h>
#include "mf_windows.h"

/* Media Foundation's entry points are loaded at run time: on Windows "N" editions without the
   Media Feature Pack the DLLs are absent, and a static import would stop the whole app from
   starting; here only the camera is missing (REGDB_E_CLASSNOTREG, "unsupported"). */
typedef HRESULT (WINAPI *pMFStartup)(ULONG, DWORD);
typedef HRESULT (WINAPI *pMFCreateAttributes)(IMFAttributes **, UINT32);
typedef HRESULT (WINAPI *pMFEnumDeviceSources)(IMFAttributes *, IMFActivate ***, UINT32 *);
typedef HRESULT (WINAPI *pMFCreateDeviceSource)(IMFAttributes *, IMFMediaSource **);
typedef HRESULT (WINAPI *pMFCreateSourceReaderFromMediaSource)(IMFMediaSource *, IMFAttributes *, IMFSourceReader **);

static pMFStartup fnStartup;
static pMFCreateAttributes fnCreateAttributes;
static pMFEnumDeviceSources fnEnumDeviceSources;
static pMFCreateDeviceSource fnCreateDeviceSource;
static pMFCreateSourceReaderFromMediaSource fnCreateSourceReader;

static HRESULT load(void) {
	HMODULE plat = LoadLibraryW(L"mfplat.dll"), mf = LoadLibraryW(L"mf.dll"), rw = LoadLibraryW(L"mfreadwrite.dll");
	if (!plat || !mf || !rw) return REGDB_E_CLASSNOTREG;
	fnStartup = (pMFStartup)(void *)GetProcAddress(plat, "MFStartup");
	fnCreateAttributes = (pMFCreateAttributes)(void *)GetProcAddress(plat, "MFCreateAttributes");
	fnEnumDeviceSources = (pMFEnumDeviceSources)(void *)GetProcAddress(mf, "MFEnumDeviceSources");
	fnCreateDeviceSource = (pMFCreateDeviceSource)(void *)GetProcAddress(mf, "MFCreateDeviceSource");
	fnCreateSourceReader = (pMFCreateSourceReaderFromMediaSource)(void *)GetProcAddress(rw, "MFCreateSourceReaderFromMediaSource");
	if (!fnStartup || !fnCreateAttributes || !fnEnumDeviceSources || !fnCreateDeviceSource || !fnCreateSourceReader)
		return REGDB_E_CLASSNOTREG;
	return S_OK;
}

struct gc_cam {
	IMFMediaSource *source;
	IMFSourceReader *reader;
};

/* com makes sure the calling thread is in a COM apartment: Go moves goroutines across
   threads, so every entry point asks. A thread already single-threaded is fine for MF. */
static HRESULT com(void) {
	HRESULT hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	if (hr == RPC_E_CHANGED_MODE || hr == S_FALSE) return S_OK;
	return hr;
}

/* gc_startup loads Media Foundation and starts it; the Go side calls it once per process,
   before any other function here. */
long gc_startup(void) {
	HRESULT hr = load();
	if (SUCCEEDED(hr)) hr = com();
	if (FAILED(hr)) return hr;
	return fnStartup(MF_VERSION, MFSTARTUP_NOSOCKET);
}

static HRESULT video_attributes(IMFAttributes **attr, UINT32 n) {
	HRESULT hr = fnCreateAttributes(attr, n);
	if (FAILED(hr)) return hr;
	return IMFAttributes_SetGUID(*attr, &MF_DEVSOURCE_ATTRIBUTE_SOURCE_TYPE,
		&MF_DEVSOURCE_ATTRIBUTE_SOURCE_TYPE_VIDCAP_GUID);
}

/* append_utf8 writes a wide string as UTF-8 at *p, growing the buffer as needed. */
static int append_utf8(char **buf, size_t *size, size_t *used, const WCHAR *w, char sep) {
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	if (n <= 0) n = 1;
	if (*used + (size_t)n + 1 > *size) {
		size_t ns = (*size + (size_t)n + 1) * 2;
		char *nb = realloc(*buf, ns);
		if (!nb) return 0;
		*buf = nb;
		*size = ns;
	}
	int got = WideCharToMultiByte(CP_UTF8, 0, w, -1, *buf + *used, n, NULL, NULL);
	if (got <= 0) got = 1;
	*used += (size_t)got - 1; /* without the NUL */
	(*buf)[(*used)++] = sep;
	(*buf)[*used] = 0;
	return 1;
}

long gc_list(char **out, int *n) {
	IMFAttributes *attr = NULL;
	IMFActivate **devs = NULL;
	UINT32 count = 0;
	*out = NULL;
	*n = 0;
	HRESULT hr = com();
	if (SUCCEEDED(hr)) hr = video_attributes(&attr, 1);
	if (SUCCEEDED(hr)) hr = fnEnumDeviceSources(attr, &devs, &count);
	if (attr) IMFAttributes_Release(attr);
	if (FAILED(hr)) return hr;
	size_t size = 256, used = 0;
	char *buf = malloc(size);
	if (!buf) hr = E_OUTOFMEMORY;
	else buf[0] = 0;
	for (UINT32 i = 0; i < count; i++) {
		WCHAR *name = NULL, *link = NULL;
		UINT32 len = 0;
		if (SUCCEEDED(hr) &&
			SUCCEEDED(IMFActivate_GetAllocatedString(devs[i], &MF_DEVSOURCE_ATTRIBUTE_FRIENDLY_NAME, &name, &len)) &&
			SUCCEEDED(IMFActivate_GetAllocatedString(devs[i], &MF_DEVSOURCE_ATTRIBUTE_SOURCE_TYPE_VIDCAP_SYMBOLIC_LINK, &link, &len))) {
			if (!append_utf8(&buf, &size, &used, name, '\t') || !append_utf8(&buf, &size, &used, link, '\n'))
				hr = E_OUTOFMEMORY;
			else
				(*n)++;
		}
		CoTaskMemFree(name);
		CoTaskMemFree(link);
		IMFActivate_Release(devs[i]);
	}
	CoTaskMemFree(devs);
	if (FAILED(hr)) {
		free(buf);
		*n = 0;
		return hr;
	}
	*out = buf;
	return S_OK;
}

long gc_open(const char *link, gc_cam **cam) {
	IMFAttributes *attr = NULL;
	IMFMediaSource *source = NULL;
	IMFSourceReader *reader = NULL;
	WCHAR *wlink = NULL;
	*cam = NULL;
	HRESULT hr = com();
	if (SUCCEEDED(hr)) {
		int n = MultiByteToWideChar(CP_UTF8, 0, link, -1, NULL, 0);
		wlink = calloc(n > 0 ? n : 1, sizeof(WCHAR));
		if (!wlink) hr = E_OUTOFMEMORY;
		else MultiByteToWideChar(CP_UTF8, 0, link, -1, wlink, n);
	}
	if (SUCCEEDED(hr)) hr = video_attributes(&attr, 2);
	if (SUCCEEDED(hr)) hr = IMFAttributes_SetString(attr, &MF_DEVSOURCE_ATTRIBUTE_SOURCE_TYPE_VIDCAP_SYMBOLIC_LINK, wlink);
	if (SUCCEEDED(hr)) hr = fnCreateDeviceSource(attr, &source);
	if (SUCCEEDED(hr)) hr = fnCreateSourceReader(source, NULL, &reader);
	if (SUCCEEDED(hr)) hr = IMFSourceReader_SetStreamSelection(reader, (DWORD)MF_SOURCE_READER_ALL_STREAMS, FALSE);
	if (SUCCEEDED(hr)) hr = IMFSourceReader_SetStreamSelection(reader, (DWORD)MF_SOURCE_READER_FIRST_VIDEO_STREAM, TRUE);
	if (attr) IMFAttributes_Release(attr);
	free(wlink);
	if (SUCCEEDED(hr)) {
		*cam = calloc(1, sizeof(gc_cam));
		if (!*cam) hr = E_OUTOFMEMORY;
	}
	if (FAILED(hr)) {
		if (reader) IMFSourceReader_Release(reader);
		if (source) {
			IMFMediaSource_Shutdown(source);
			IMFMediaSource_Release(source);
		}
		return hr;
	}
	(*cam)->source = source;
	(*cam)->reader = reader;
	return S_OK;
}

long gc_types(gc_cam *cam, gc_type *types, int max, int *n) {
	*n = 0;
	HRESULT hr = com();
	if (FAILED(hr)) return hr;
	for (DWORD i = 0; *n < max; i++) {
		IMFMediaType *mt = NULL;
		hr = IMFSourceReader_GetNativeMediaType(cam->reader, (DWORD)MF_SOURCE_READER_FIRST_VIDEO_STREAM, i, &mt);
		if (hr == MF_E_NO_MORE_TYPES) return S_OK;
		if (FAILED(hr)) return hr;
		GUID sub;
		UINT64 size = 0;
		if (SUCCEEDED(IMFMediaType_GetGUID(mt, &MF_MT_SUBTYPE, &sub)) &&
			SUCCEEDED(IMFMediaType_GetUINT64(mt, &MF_MT_FRAME_SIZE, &size))) {
			types[*n].fourcc = sub.Data1;
			types[*n].width = (int32_t)(size >> 32);
			types[*n].height = (int32_t)(size & 0xffffffff);
		} else {
			types[*n].fourcc = 0;
			types[*n].width = types[*n].height = 0;
		}
		(*n)++;
		IMFMediaType_Release(mt);
	}
	return S_OK;
}

long gc_select(gc_cam *cam, int index) {
	IMFMediaType *mt = NULL;
	HRESULT hr = com();
	if (SUCCEEDED(hr)) hr = IMFSourceReader_GetNativeMediaType(cam->reader, (DWORD)MF_SOURCE_READER_FIRST_VIDEO_STREAM, (DWORD)index, &mt);
	if (SUCCEEDED(hr)) hr = IMFSourceReader_SetCurrentMediaType(cam->reader, (DWORD)MF_SOURCE_READER_FIRST_VIDEO_STREAM, NULL, mt);
	if (mt) IMFMediaType_Release(mt);
	return hr;
}

long gc_read(gc_cam *cam, uint8_t *buf, int cap, int *len, uint32_t *flags) {
	DWORD stream = 0, fl = 0;
	LONGLONG ts = 0;
	IMFSample *sample = NULL;
	IMFMediaBuffer *mb = NULL;
	*len = 0;
	*flags = 0;
	HRESULT hr = com();
	if (SUCCEEDED(hr)) hr = IMFSourceReader_ReadSample(cam->reader, (DWORD)MF_SOURCE_READER_FIRST_VIDEO_STREAM, 0, &stream, &fl, &ts, &sample);
	*flags = fl;
	if (FAILED(hr) || !sample) return hr;
	hr = IMFSample_ConvertToContiguousBuffer(sample, &mb);
	if (SUCCEEDED(hr)) {
		BYTE *p = NULL;
		DWORD n = 0;
		hr = IMFMediaBuffer_Lock(mb, &p, NULL, &n);
		if (SUCCEEDED(hr)) {
			*len = (int)n;
			if ((int)n <= cap) memcpy(buf, p, n);
			IMFMediaBuffer_Unlock(mb);
		}
		IMFMediaBuffer_Release(mb);
	}
	IMFSample_Release(sample);
	return hr;
}

void gc_shutdown(gc_cam *cam) {
	if (cam && cam->source) IMFMediaSource_Shutdown(cam->source);
}

void gc_free(gc_cam *cam) {
	if (!cam) return;
	if (cam->reader) IMFSourceReader_Release(cam->reader);
	if (cam->source) {
		IMFMediaSource_Shutdown(cam->source);
		IMFMediaSource_Release(cam->source);
	}
	free(cam);
}
