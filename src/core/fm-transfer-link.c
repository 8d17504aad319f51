/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-link.c: the transfer a person's text names
 *
 * What a recipient has is the e-mail's link, as the reference shows it
 * next to the id it names ("url": "https://www.filemail.com/d/qxrfkirjzwjvwbp",
 * "id": "qxrfkirjzwjvwbp"). They paste it with what came around it: angle
 * brackets, quotes, a full stop, a line break, "www." without a scheme.
 * Accepted: the bare id; BASE/d/ID on the configured server (its host and
 * port; below its path when it has one); and, when that server is
 * Filemail's own, /d/ID on any host of filemail.com. A link of another
 * site is refused by name, never fetched: only the id is taken from it,
 * and transfer/get asks the configured server. Ids are letters and
 * digits; the case is kept (the server compares without it).
 */
#define G_LOG_DOMAIN "fm-transfer-link"

#include <glib/gi18n.h>
#include <string.h>

#include "fm-error.h"
#include "fm-transfer-link.h"

#define TEXT_MAX 4096   /* a pasted paragraph is not a link */

gboolean
fm_transfer_id_is_valid (const char *id)
{
  gsize n = 0;

  if (id == NULL)
    return FALSE;
  for (; id[n] != '\0'; n++)
    if (!g_ascii_isalnum (id[n]) || n >= FM_TRANSFER_ID_MAX)
      return FALSE;
  return n > 0;
}

/* What a person pasted, without what came around it. */
static char *
trim_pasted (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *start = copy;
  gsize len;

  while (*start == '<' || *start == '"' || *start == '\'' || *start == '(' || *start == '[')
    start++;
  len = strlen (start);
  while (len > 0 && strchr (">\"').,;:!?]", start[len - 1]) != NULL)
    start[--len] = '\0';
  return g_strdup (start);
}

static gboolean
host_is_filemail (const char *host)
{
  g_autofree char *lower = host != NULL ? g_ascii_strdown (host, -1) : NULL;

  return lower != NULL && (g_str_equal (lower, "filemail.com") ||
                           (g_str_has_suffix (lower, ".filemail.com") && lower[0] != '.'));
}

/* Text that is meant as an address (and not a file name or an id). */
gboolean
fm_transfer_link_looks_like (const char *text)
{
  g_autofree char *trimmed = text != NULL && strlen (text) <= TEXT_MAX ? trim_pasted (text) : NULL;
  g_autofree char *scheme = trimmed != NULL ? g_uri_parse_scheme (trimmed) : NULL;

  if (trimmed == NULL)
    return FALSE;
  if (scheme != NULL)
    return g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0;
  return g_ascii_strncasecmp (trimmed, "www.", 4) == 0 ||
         g_ascii_strncasecmp (trimmed, "filemail.com/", 13) == 0;
}

static int
port_of (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 ? 80 : 443;
}

/* Same host and port as the configured server; or, when that server is
 * Filemail's own, any host of Filemail's. */
static gboolean
same_server (GUri *link,
             GUri *base)
{
  const char *host = g_uri_get_host (link);

  if (base == NULL)
    return host_is_filemail (host);
  if (host_is_filemail (g_uri_get_host (base)))
    return host_is_filemail (host);
  return g_ascii_strcasecmp (host, g_uri_get_host (base)) == 0 && port_of (link) == port_of (base);
}

static GError *
not_a_link (const char *text)
{
  g_autofree char *shown = g_utf8_make_valid (text, MIN (strlen (text), 80));

  return g_error_new (FM_ERROR, FM_ERROR_NOT_A_LINK,
                      _("“%s” is neither a Filemail link nor a transfer id."), shown);
}

/* The id in /PREFIX/d/ID[/], or NULL. */
static char *
id_from_path (const char *path,
              const char *prefix)
{
  g_autofree char *stripped = NULL;
  gsize plen = prefix != NULL ? strlen (prefix) : 0;
  const char *rest;

  while (plen > 0 && prefix[plen - 1] == '/')
    plen--;
  if (plen > 0 && strncmp (path, prefix, plen) != 0)
    return NULL;
  rest = path + plen;
  if (!g_str_has_prefix (rest, "/d/"))
    return NULL;
  stripped = g_strdup (rest + 3);
  if (g_str_has_suffix (stripped, "/"))
    stripped[strlen (stripped) - 1] = '\0';
  return fm_transfer_id_is_valid (stripped) ? g_steal_pointer (&stripped) : NULL;
}

char *
fm_transfer_link_parse (const char  *text,
                        const char  *base_url,
                        GError     **error)
{
  g_autofree char *trimmed = NULL, *with_scheme = NULL, *id = NULL;
  g_autoptr(GUri) link = NULL, base = NULL;
  const char *host;

  if (text == NULL || strlen (text) > TEXT_MAX)
    {
      g_set_error_literal (error, FM_ERROR, FM_ERROR_NOT_A_LINK, fm_error_get_message (FM_ERROR_NOT_A_LINK));
      return NULL;
    }
  trimmed = trim_pasted (text);
  if (fm_transfer_id_is_valid (trimmed))
    return g_steal_pointer (&trimmed);
  if (!fm_transfer_link_looks_like (trimmed))
    {
      g_propagate_error (error, not_a_link (trimmed));
      return NULL;
    }
  with_scheme = strstr (trimmed, "://") != NULL ? g_strdup (trimmed) : g_strconcat ("https://", trimmed, NULL);
  link = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  base = base_url != NULL ? g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL) : NULL;
  host = link != NULL ? g_uri_get_host (link) : NULL;
  if (host == NULL || *host == '\0')
    {
      g_propagate_error (error, not_a_link (trimmed));
      return NULL;
    }
  /* user info ("www.filemail.com@elsewhere") is how a link hides where
   * it leads */
  if (g_uri_get_userinfo (link) != NULL || !same_server (link, base))
    {
      g_autofree char *shown = g_utf8_make_valid (host, MIN (strlen (host), 80));

      g_set_error (error, FM_ERROR, FM_ERROR_NOT_A_LINK,
                   _("This link is not one of Filemail’s: it leads to %s. Only links to Filemail transfers can be "
                     "opened."), shown);
      return NULL;
    }
  id = id_from_path (g_uri_get_path (link),
                     base != NULL && !host_is_filemail (g_uri_get_host (base)) ? g_uri_get_path (base) : NULL);
  if (id == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_NOT_A_LINK,
                   _("This Filemail link does not lead to a transfer (a transfer’s link ends in /d/ and its id)."));
      return NULL;
    }
  return g_steal_pointer (&id);
}

/* The link a transfer has on the configured server, for one that was
 * opened by its id: BASE/d/ID. */
char *
fm_transfer_link_for_id (const char *base_url,
                         const char *id)
{
  g_autofree char *base = g_strdup (base_url != NULL ? base_url : "https://www.filemail.com");
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';
  return g_strconcat (base, "/d/", id, NULL);
}
