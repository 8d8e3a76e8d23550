/* healer-csv-number.c — fast decimal and label parsing of CSV records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "healer-csv-private.h"

/* ------------------------------------------------------------------------ */
/* Numbers                                                                   */

static const double pow10_table[23] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static inline gboolean
is_digit (char c)
{
  return (guint) (c - '0') < 10;
}

/* Parses a decimal number at @p and returns where it stopped, or NULL when
 * the text is not a plain decimal or the fast path cannot promise the result
 * of (float) g_ascii_strtod(); the caller then takes the slow path. The
 * buffer must end with a NUL, which stops every loop here. */
static inline const char *
parse_decimal (const char *p,
               float      *out)
{
  gboolean negative = FALSE, any_digit = FALSE;
  guint64 mantissa = 0, bits;
  int n_digits = 0, exp10 = 0;
  double d;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  else if (*p == '+')
    p++;

  for (; *p == '0'; p++)
    any_digit = TRUE;
  for (; is_digit (*p); p++, n_digits++)
    {
      if (n_digits == 19)
        return NULL;
      mantissa = mantissa * 10 + (guint) (*p - '0');
      any_digit = TRUE;
    }
  if (*p == '.')
    {
      p++;
      if (mantissa == 0)
        for (; *p == '0'; p++, exp10--)
          any_digit = TRUE;
      for (; is_digit (*p); p++, n_digits++, exp10--)
        {
          if (n_digits == 19)
            return NULL;
          mantissa = mantissa * 10 + (guint) (*p - '0');
          any_digit = TRUE;
        }
    }
  if (!any_digit)
    return NULL;
  if (*p == 'e' || *p == 'E')
    {
      gboolean exp_negative = FALSE;
      int e = 0;

      p++;
      if (*p == '-')
        {
          exp_negative = TRUE;
          p++;
        }
      else if (*p == '+')
        p++;
      if (!is_digit (*p))
        return NULL;
      for (; is_digit (*p); p++)
        if (e < 100000)
          e = e * 10 + (*p - '0');
      exp10 += exp_negative ? -e : e;
    }

  if (mantissa == 0)
    {
      *out = negative ? -0.0f : 0.0f;
      return p;
    }

  /* Powers up to 1e22 are exact doubles, so this is one or two roundings. */
  d = (double) mantissa;
  if (exp10 > 0)
    {
      if (exp10 <= 22)
        d *= pow10_table[exp10];
      else if (exp10 <= 44)
        d = d * 1e22 * pow10_table[exp10 - 22];
      else
        return NULL;
    }
  else if (exp10 < 0)
    {
      if (exp10 >= -22)
        d /= pow10_table[-exp10];
      else if (exp10 >= -44)
        d = d / 1e22 / pow10_table[-exp10 - 22];
      else
        return NULL;
    }

  /* Subnormal floats round at another bit; overflow needs a message. */
  if (!(d >= 0x1p-126 && d <= 0x1.fffffep127))
    return NULL;
  /* d is within two units in the last place of the correctly rounded double,
   * so unless it sits next to a midpoint between two floats it rounds to the
   * same float as strtod's result would. */
  memcpy (&bits, &d, sizeof bits);
  if ((guint32) (bits & 0x1fffffff) - (0x10000000u - 16) <= 32u)
    return NULL;

  *out = negative ? -(float) d : (float) d;
  return p;
}

/* [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?, whole text */
gboolean
healer_csv_is_decimal_syntax (const char *t)
{
  gboolean digits = FALSE;

  if (*t == '+' || *t == '-')
    t++;
  for (; is_digit (*t); t++)
    digits = TRUE;
  if (*t == '.')
    for (t++; is_digit (*t); t++)
      digits = TRUE;
  if (!digits)
    return FALSE;
  if (*t == 'e' || *t == 'E')
    {
      t++;
      if (*t == '+' || *t == '-')
        t++;
      if (!is_digit (*t))
        return FALSE;
      while (is_digit (*t))
        t++;
    }
  return *t == '\0';
}

gboolean
healer_csv_is_infinity_text (const char *t)
{
  if (*t == '+' || *t == '-')
    t++;
  return g_ascii_strcasecmp (t, "inf") == 0 || g_ascii_strcasecmp (t, "infinity") == 0;
}

static gboolean
is_missing_text (const char *t,
                 gsize       len)
{
  static const char * const markers[] = { "NA", "NaN", "N/A", "null", "#N/A" };

  if (len == 0)
    return TRUE;
  if (len > 4)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if (g_ascii_strcasecmp (t, markers[i]) == 0)
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Cells                                                                     */

static Step
read_feature_slow (Ctx         *c,
                   const char **pp,
                   float       *dst,
                   GError     **error)
{
  const char *text = c->r->scratch;
  gsize len, start_line = c->line, end_line;
  double d;
  Step step;

  step = healer_csv_scan_field (c, pp, &len, error);
  if (step != STEP_OK)
    return step;
  if (is_missing_text (text, len))
    {
      *dst = NAN;
      return STEP_OK;
    }
  /* A quoted cell may span lines: messages point at where it starts. */
  end_line = c->line;
  c->line = start_line;
  if (!healer_csv_is_decimal_syntax (text))
    return healer_csv_number_error (c, text, len, error);

  d = g_ascii_strtod (text, NULL);
  /* Underflow to zero is fine; overflow is not a value. */
  if (isinf (d) || isinf ((float) d))
    return healer_csv_number_error (c, text, len, error);
  c->line = end_line;
  *dst = (float) d;
  return STEP_OK;
}

static inline Step
read_feature (Ctx         *c,
              const char **pp,
              float       *dst,
              GError     **error)
{
  const char *p = *pp, *e;
  float v;

  while (*p == ' ' || *p == '\t')
    p++;
  e = parse_decimal (p, &v);
  if (G_LIKELY (e != NULL))
    {
      while (*e == ' ' || *e == '\t')
        e++;
      if (G_LIKELY (healer_csv_at_field_end (c, e)))
        {
          *dst = v;
          *pp = e;
          return STEP_OK;
        }
    }
  else if (healer_csv_at_field_end (c, p))
    {
      *dst = NAN;
      *pp = p;
      return STEP_OK;
    }
  return read_feature_slow (c, pp, dst, error);
}

static Step
read_label_slow (Ctx         *c,
                 const char **pp,
                 gint32      *dst,
                 GError     **error)
{
  const char *text = c->r->scratch, *t;
  gboolean negative = FALSE, digits = FALSE;
  guint value = 0;
  gsize len, start_line = c->line, end_line;
  Step step;

  step = healer_csv_scan_field (c, pp, &len, error);
  if (step != STEP_OK)
    return step;
  end_line = c->line;
  c->line = start_line;
  if (is_missing_text (text, len))
    {
      g_autofree char *column = healer_csv_describe_column (c->r, c->col);

      healer_csv_set_error_at (c->r, error, HEALER_DATASET_ERROR_LABEL, c->line, c->col + 1,
                               _("the label in column %s is missing; expected a class id, an integer "
                                 "from 0 to %d (every row of a labelled file needs one)"),
                               column, HEALER_LABEL_MAX);
      return STEP_ERROR;
    }

  t = text;
  if (*t == '+' || *t == '-')
    negative = *t++ == '-';
  for (; is_digit (*t); t++)
    {
      digits = TRUE;
      if (value <= HEALER_LABEL_MAX)
        value = value * 10 + (guint) (*t - '0');
    }
  /* Tools that went through floating point write 3 as "3.0". */
  if (digits && *t == '.')
    for (t++; *t == '0'; t++)
      ;
  if (!digits || *t != '\0')
    return healer_csv_label_error (c, text, len, LABEL_NOT_INTEGER, error);
  if (negative && value != 0)
    return healer_csv_label_error (c, text, len, LABEL_NEGATIVE, error);
  if (value > HEALER_LABEL_MAX)
    return healer_csv_label_error (c, text, len, LABEL_TOO_LARGE, error);
  c->line = end_line;
  *dst = (gint32) value;
  return STEP_OK;
}

static inline Step
read_label (Ctx         *c,
            const char **pp,
            gint32      *dst,
            GError     **error)
{
  const char *p = *pp;
  guint value = 0, n = 0;

  while (*p == ' ' || *p == '\t')
    p++;
  for (; n < 5 && is_digit (*p); p++, n++)
    value = value * 10 + (guint) (*p - '0');
  while (*p == ' ' || *p == '\t')
    p++;
  if (n > 0 && value <= HEALER_LABEL_MAX && healer_csv_at_field_end (c, p))
    {
      *dst = (gint32) value;
      *pp = p;
      return STEP_OK;
    }
  return read_label_slow (c, pp, dst, error);
}

static Step
read_id (Ctx          *c,
         const char  **pp,
         const RowOut *out,
         GError      **error)
{
  const char *text = c->r->scratch;
  const char *bad;
  gsize start_line = c->line;
  gsize len;
  Step step;

  step = healer_csv_scan_field (c, pp, &len, error);
  if (step != STEP_OK)
    return step;
  /* Refused, not mended: an id is written back to the results, and a
   * replaced byte would silently name another sample. */
  if (G_UNLIKELY (!g_utf8_validate (text, (gssize) len, &bad)))
    {
      c->line = start_line;
      healer_csv_set_error_at (c->r, error, HEALER_DATASET_ERROR_ENCODING, c->line, c->col + 1,
                               _("the sample id is not valid UTF-8 text (byte 0x%02X at "
                                 "byte %zu of the cell); expected a CSV file saved as UTF-8"),
                               (guint) (guchar) *bad, (gsize) (bad - text) + 1);
      return STEP_ERROR;
    }
  *out->id = g_string_chunk_insert_len (out->ids, text, (gssize) len);
  return STEP_OK;
}

/* ------------------------------------------------------------------------ */
/* Records                                                                   */

Step
healer_csv_parse_record (HealerCsvReader  *r,
                         const RowOut     *out,
                         GError          **error)
{
  Ctx c = { r, r->buf + r->len, r->line, 0 };
  const char *p = r->buf + r->pos, *q = p;
  const guint8 *roles = r->roles;
  float *dst = out->x;
  guint n_cols = r->n_cols;

  while (*q == ' ' || *q == '\t')
    q++;
  if (*q == '\n' || (*q == '\r' && q[1] == '\n') || (*q == '\0' && q == c.end && r->eof))
    {
      q = healer_csv_skip_line_break (&c, q);
      r->pos = q - r->buf;
      r->line = c.line;
      return STEP_BLANK;
    }

  for (guint col = 0;; col++)
    {
      Step step;

      c.col = col;
      switch (roles[col])
        {
        case ROLE_FEATURE:
          step = read_feature (&c, &p, dst++, error);
          break;
        case ROLE_LABEL:
          step = read_label (&c, &p, out->label, error);
          break;
        default:
          step = read_id (&c, &p, out, error);
          break;
        }
      if (G_UNLIKELY (step != STEP_OK))
        return step == STEP_ERROR ? healer_csv_cell_error (&c, error) : step;

      if (*p == ',')
        {
          if (G_UNLIKELY (col + 1 == n_cols))
            return healer_csv_ragged_error (&c, n_cols, error);
          p++;
          continue;
        }
      /* End of the record: a line break, or the end of the input. */
      if (G_UNLIKELY (col + 1 < n_cols))
        return healer_csv_ragged_error (&c, col + 1, error);
      p = healer_csv_skip_line_break (&c, p);
      r->pos = p - r->buf;
      r->line = c.line;
      return STEP_OK;
    }
}
