/* Test-only shim for Debian 12's Wine 8.0, which lacks ProcessPrng in bcryptprimitives.dll:
   Go >= 1.22 programs call it at start and die without it. scripts/windows-test.sh builds this
   DLL into the throwaway Wine prefix's system32 only; it is never shipped with Guichet.
   ProcessPrng fills the buffer from RtlGenRandom (SystemFunction036), in chunks of at most
   0x7fffffff bytes (RtlGenRandom takes a ULONG length). */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T n) {
	while (n > 0) {
		ULONG chunk = n > 0x7fffffff ? 0x7fffffff : (ULONG)n;
		if (!RtlGenRandom(data, chunk)) return FALSE;
		data += chunk;
		n -= chunk;
	}
	return TRUE;
}
