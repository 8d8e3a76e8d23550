/* healer-csv-reader.c — streaming CSV reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "healer-csv-private.h"

#ifdef G_OS_WIN32
#include <fcntl.h>
#include <io.h>
#define healer_read_fd _read
#else
#include <unistd.h>
#define healer_read_fd read
#endif

/* ------------------------------------------------------------------------ */
/* Standard input as a GInputStream                                          */

/* GUnixInputStream and GWin32InputStream are platform-specific; read(2)
 * exists on both. Not fread: it waits until the whole block is there, and
 * a pipeline's rows must be diagnosed as they arrive (issue 13, family 9). */
#define HEALER_TYPE_STDIN_STREAM (healer_stdin_stream_get_type ())
G_DECLARE_FINAL_TYPE (HealerStdinStream, healer_stdin_stream, HEALER, STDIN_STREAM, GInputStream)

struct _HealerStdinStream
{
  GInputStream parent_instance;
};

G_DEFINE_FINAL_TYPE (HealerStdinStream, healer_stdin_stream, G_TYPE_INPUT_STREAM)

static gssize
healer_stdin_stream_read (GInputStream  *stream,
                          void          *buffer,
                          gsize          count,
                          GCancellable  *cancellable,
                          GError       **error)
{
  gssize n;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
#ifdef G_OS_UNIX
  /* A read(2) on a pipe that stays open blocks until data comes: wait for
   * data or the cancellable, so that a read ahead of the caller (see
   * healer-diagnose.c) can be stopped when the command fails meanwhile. */
  if (cancellable != NULL)
    {
      GPollFD fds[2] = { { 0, G_IO_IN | G_IO_HUP | G_IO_ERR, 0 }, { 0, 0, 0 } };

      if (g_cancellable_make_pollfd (cancellable, &fds[1]))
        {
          int ready;

          do
            ready = g_poll (fds, 2, -1);
          while (ready < 0 && errno == EINTR);
          g_cancellable_release_fd (cancellable);
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return -1;
        }
    }
#endif

  do
    n = healer_read_fd (0, buffer, (guint) MIN (count, G_MAXINT));
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return -1;
    }
  return n;
}

static void
healer_stdin_stream_class_init (HealerStdinStreamClass *klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = healer_stdin_stream_read;
}

static void
healer_stdin_stream_init (HealerStdinStream *self)
{
#ifdef G_OS_WIN32
  /* Text mode would turn CR LF into LF and stop at the first Ctrl-Z. */
  _setmode (_fileno (stdin), _O_BINARY);
#endif
}

/* ------------------------------------------------------------------------ */
/* Records                                                                   */

/* Appends up to @max_rows rows to @ds. */
gboolean
healer_csv_reader_read_rows (HealerCsvReader  *r,
                             HealerDataset    *ds,
                             gsize             max_rows,
                             GCancellable     *cancellable,
                             GError          **error)
{
  guint nf = r->n_features;
  gint32 dummy_label;
  const char *dummy_id;

  while (ds->n_rows < max_rows)
    {
      RowOut out;
      gsize line = r->line;
      Step step;

      if (!healer_csv_reader_ensure_line (r, cancellable, error))
        return FALSE;
      if (r->pos == r->len && r->eof)
        break;
      if (G_UNLIKELY (ds->n_rows == ds->n_allocated) &&
          !healer_dataset_reserve (ds, ds->n_rows + 1, max_rows))
        {
          healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_TOO_LARGE, r->line, 1,
                                   _("too many rows to hold in memory; expected a smaller file"));
          return FALSE;
        }

      out.x = ds->x + ds->n_rows * nf;
      out.label = ds->labels != NULL ? &ds->labels[ds->n_rows] : &dummy_label;
      out.id = ds->sample_ids != NULL ? &ds->sample_ids[ds->n_rows] : &dummy_id;
      out.ids = ds->ids_chunk;

      step = healer_csv_parse_record (r, &out, error);
      switch (step)
        {
        case STEP_OK:
          healer_dataset_note_line (ds, line);
          ds->n_rows++;
          break;
        case STEP_BLANK:
          break;
        case STEP_MORE:
          if (!healer_csv_reader_need_more (r, cancellable, error))
            return FALSE;
          break;
        default:
          return FALSE;
        }
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Public reader API                                                         */

static guint64
stream_size (GInputStream *stream,
             GCancellable *cancellable)
{
  if (G_IS_FILE_INPUT_STREAM (stream))
    {
      g_autoptr(GFileInfo) info =
        g_file_input_stream_query_info (G_FILE_INPUT_STREAM (stream),
                                        G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);

      if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
        return (guint64) g_file_info_get_size (info);
    }
  if (G_IS_SEEKABLE (stream) && g_seekable_can_seek (G_SEEKABLE (stream)))
    {
      GSeekable *seekable = G_SEEKABLE (stream);
      goffset here = g_seekable_tell (seekable), end;

      if (g_seekable_seek (seekable, 0, G_SEEK_END, cancellable, NULL))
        {
          end = g_seekable_tell (seekable);
          if (g_seekable_seek (seekable, here, G_SEEK_SET, cancellable, NULL) && end > here)
            return (guint64) (end - here);
        }
    }
  return 0;
}

static HealerCsvReader *
reader_new_take (GInputStream  *stream,
                 char          *name,
                 guint64        size,
                 GCancellable  *cancellable,
                 GError       **error)
{
  HealerCsvReader *r = g_new0 (HealerCsvReader, 1);

  r->stream = stream;
  r->name = name;
  r->size = size;
  r->line = 1;
  r->cap = HEALER_CSV_BLOCK_SIZE + 1;
  r->buf = g_malloc (r->cap);
  r->buf[0] = '\0';
  if (!healer_csv_reader_read_header (r, cancellable, error))
    {
      healer_csv_reader_free (r);
      return NULL;
    }
  return r;
}

HealerCsvReader *
healer_csv_reader_new (GInputStream  *stream,
                       const char    *name,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  return reader_new_take (g_object_ref (stream), g_strdup (name != NULL ? name : _("input")),
                          stream_size (stream, cancellable), cancellable, error);
}

char *
healer_file_display_name (GFile *file)
{
  g_autofree char *path = NULL;
  char *name;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = g_file_get_path (file);
  if (path != NULL)
    return g_filename_display_basename (path);
  /* A URI's last part, unless it is not text: then the whole URI. */
  name = g_file_get_basename (file);
  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_free (name);
      name = g_file_get_parse_name (file);
    }
  return name;
}

/* Local or not, one way in: the app's files come as GFiles (a portal's,
 * a remote location's), the command line's as paths.  Takes @name. */
static HealerCsvReader *
reader_open_file (GFile         *file,
                  char          *name,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GError) local = NULL;
  GFileInputStream *in;
  guint64 size;

  in = g_file_read (file, cancellable, &local);
  if (in == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_IO,
                     _("%s: could not open the file: %s"), name, local->message);
      g_free (name);
      return NULL;
    }
  size = stream_size (G_INPUT_STREAM (in), cancellable);
  if (size == 0)
    {
      /* Some remote streams do not tell their size: ask the file. */
      g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                     G_FILE_QUERY_INFO_NONE, cancellable, NULL);

      if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
        size = (guint64) g_file_info_get_size (info);
    }
  return reader_new_take (G_INPUT_STREAM (in), name, size, cancellable, error);
}

HealerCsvReader *
healer_csv_reader_new_for_file (GFile         *file,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return reader_open_file (file, healer_file_display_name (file), cancellable, error);
}

HealerCsvReader *
healer_csv_reader_new_for_path (const char    *path,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (strcmp (path, "-") == 0)
    return reader_new_take (g_object_new (HEALER_TYPE_STDIN_STREAM, NULL),
                            g_strdup (_("standard input")), 0, cancellable, error);

  /* Named as the operator typed it: "data/a.csv:3:2" finds the file
   * that "a.csv:3:2" would leave to guess, and /dev/null is not "null". */
  file = g_file_new_for_path (path);
  return reader_open_file (file, g_filename_display_name (path), cancellable, error);
}

const char *
healer_csv_reader_get_name (HealerCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, NULL);

  return reader->name;
}

void
healer_csv_reader_free (HealerCsvReader *reader)
{
  if (reader == NULL)
    return;
  g_clear_object (&reader->stream);
  g_free (reader->name);
  g_free (reader->buf);
  g_free (reader->roles);
  g_strfreev (reader->column_names);
  g_strfreev (reader->feature_names);
  g_free (reader);
}

const char * const *
healer_csv_reader_get_feature_names (HealerCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, NULL);

  return (const char * const *) reader->feature_names;
}

gboolean
healer_csv_reader_has_labels (HealerCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, FALSE);

  return reader->has_labels;
}

guint64
healer_csv_reader_get_bytes_read (HealerCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->offset + reader->pos;
}

guint64
healer_csv_reader_get_size (HealerCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->size;
}

HealerDataset *
healer_csv_reader_new_dataset (HealerCsvReader *r)
{
  HealerDataset *ds = healer_dataset_create ((const char * const *) r->feature_names,
                                             r->has_labels, r->has_ids);

  ds->source_name = g_strdup (r->name);
  ds->first_line = r->line;
  for (guint i = 0; i < r->n_cols; i++)
    if (r->roles[i] == ROLE_LABEL)
      ds->label_field = i + 1;
  return ds;
}

/* Some 256 KiB of rows to start with: no waste on small files, and the
 * first allocation is bounded by the header's size however wide it is. */
gsize
healer_csv_initial_rows (HealerCsvReader *r)
{
  return MAX (65536 / r->n_features, 1);
}

HealerDataset *
healer_csv_reader_read_chunk (HealerCsvReader  *reader,
                              gsize             max_rows,
                              GCancellable     *cancellable,
                              GError          **error)
{
  g_autoptr(HealerDataset) ds = NULL;

  g_return_val_if_fail (reader != NULL, NULL);
  g_return_val_if_fail (max_rows > 0, NULL);

  if (reader->failed)
    {
      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_IO,
                   _("%s: cannot read on after an earlier error"), reader->name);
      return NULL;
    }
  ds = healer_csv_reader_new_dataset (reader);
  healer_dataset_reserve (ds, MIN (max_rows, healer_csv_initial_rows (reader)), max_rows);
  if (!healer_csv_reader_read_rows (reader, ds, max_rows, cancellable, error))
    {
      reader->failed = TRUE;
      return NULL;
    }
  return g_steal_pointer (&ds);
}

/* One message for every reader of a header-only file, located on the line
 * after the header. */
void
healer_csv_reader_set_no_rows_error (HealerCsvReader  *reader,
                                     GError          **error)
{
  g_return_if_fail (reader != NULL);

  healer_csv_set_error_at (reader, error, HEALER_DATASET_ERROR_NO_ROWS, reader->header_end_line, 1,
                           _("the file has a header but no data rows; expected at least one row "
                             "of values after the header"));
}
