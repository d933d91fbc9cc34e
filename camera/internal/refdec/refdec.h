#ifdef __cplusplus
extern "C" {
#endif
int zxing_decode(const unsigned char *gray, int w, int h, char *out, int cap);
void *zbar_new(void);
void zbar_free(void *s);
int zbar_decode(void *s, const unsigned char *gray, int w, int h, char *out, int cap);
#ifdef __cplusplus
}
#endif
