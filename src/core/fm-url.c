/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-url.c: the rule every server address passes (https, or http to this
 * machine), and addresses made fit for logs. Below fm-http.c and
 * fm-client.c, which both use it (fm_client_check_url is this). */
#define G_LOG_DOMAIN "fm-url"

#include <gio/gio.h>

#include "fm-error.h"
#include "fm-url.h"

/* For logs and messages: the URI without query, fragment or user info, as
 * upload URLs carry the transfer key in their query. */
char *
fm_url_redact (const char *uri)
{
  g_autoptr(GUri) parsed = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_NONE, NULL) : NULL;

  if (parsed == NULL)
    return g_strdup ("(invalid address)");
  return g_uri_to_string_partial (parsed, G_URI_HIDE_USERINFO | G_URI_HIDE_QUERY |
                                          G_URI_HIDE_FRAGMENT);
}

gboolean
fm_url_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
fm_url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri != NULL && fm_url_host_is_loopback (g_uri_get_host (uri));
}

/* https anywhere; plain http only to this machine (the local server, a
 * developer's proxy), never across a network where a password or a
 * transfer key could be read. */
gboolean
fm_url_check (const char  *url,
                     GError     **error)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_URL, "%s (%s)",
                   fm_error_get_message (FM_ERROR_INVALID_URL), url ? url : "");
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") == 0 && fm_url_host_is_loopback (g_uri_get_host (uri)))
    return TRUE;
  g_autofree char *shown = fm_url_redact (url);
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INSECURE_URL, "%s (%s)",
                   fm_error_get_message (FM_ERROR_INSECURE_URL), shown);
      return FALSE;
    }
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_URL, "%s (%s)",
               fm_error_get_message (FM_ERROR_INVALID_URL), shown);
  return FALSE;
}

