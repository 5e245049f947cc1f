-- Seed area sip-integrations: the calls of its seed documents (see seed_helpers.lua).
local check, ID = SEED.check, ID

-- POST /custom_storage_credentials/{connection_id} (python seed: client.custom_storage_credentials.create; reads .connection_id)
check("custom_storage_credentials.create", "json", {"backend", "configuration"}, function()
  return telnyx.custom_storage_credentials.create{
    connection_id = ID("/custom_storage_credentials/{connection_id}", "connection_id"),
    backend = "gcs",
    configuration = {
      backend = "gcs",
    },
  }
end)

-- DELETE /custom_storage_credentials/{connection_id} (python seed: client.custom_storage_credentials.delete; reads nothing)
check("custom_storage_credentials.delete", "none", {}, function()
  return telnyx.custom_storage_credentials.delete(ID("/custom_storage_credentials/{connection_id}", "connection_id", 1))
end)

-- GET /custom_storage_credentials/{connection_id} (python seed: client.custom_storage_credentials.retrieve; reads .connection_id)
check("custom_storage_credentials.retrieve", "json", {"backend", "configuration"}, function()
  return telnyx.custom_storage_credentials.retrieve(ID("/custom_storage_credentials/{connection_id}", "connection_id"))
end)

-- PUT /custom_storage_credentials/{connection_id} (python seed: client.custom_storage_credentials.update; reads .connection_id)
check("custom_storage_credentials.update", "json", {"backend", "configuration"}, function()
  return telnyx.custom_storage_credentials.update{
    connection_id = ID("/custom_storage_credentials/{connection_id}", "connection_id"),
    backend = "gcs",
    configuration = {
      backend = "gcs",
    },
  }
end)

-- POST /dialogflow_connections/{connection_id} (python seed: client.dialogflow_connections.create; reads .data)
check("dialogflow_connections.create", "json", {"connection_id", "conversation_profile_id", "environment", "record_type", "service_account"}, function()
  return telnyx.dialogflow_connections.create{
    connection_id = ID("/dialogflow_connections/{connection_id}", "connection_id"),
    service_account = {
      type = "bar",
      project_id = "bar",
      private_key_id = "bar",
      private_key = "bar",
      client_email = "bar",
      client_id = "bar",
      auth_uri = "bar",
      token_uri = "bar",
      auth_provider_x509_cert_url = "bar",
      client_x509_cert_url = "bar",
    },
  }
end)

-- DELETE /dialogflow_connections/{connection_id} (python seed: client.dialogflow_connections.delete; reads nothing)
check("dialogflow_connections.delete", "none", {}, function()
  return telnyx.dialogflow_connections.delete(ID("/dialogflow_connections/{connection_id}", "connection_id", 1))
end)

-- GET /dialogflow_connections/{connection_id} (python seed: client.dialogflow_connections.retrieve; reads .data)
check("dialogflow_connections.retrieve", "json", {"connection_id", "conversation_profile_id", "environment", "record_type", "service_account"}, function()
  return telnyx.dialogflow_connections.retrieve(ID("/dialogflow_connections/{connection_id}", "connection_id"))
end)

-- PUT /dialogflow_connections/{connection_id} (python seed: client.dialogflow_connections.update; reads .data)
check("dialogflow_connections.update", "json", {"connection_id", "conversation_profile_id", "environment", "record_type", "service_account"}, function()
  return telnyx.dialogflow_connections.update{
    connection_id = ID("/dialogflow_connections/{connection_id}", "connection_id"),
    service_account = {
      type = "bar",
      project_id = "bar",
      private_key_id = "bar",
      private_key = "bar",
      client_email = "bar",
      client_id = "bar",
      auth_uri = "bar",
      token_uri = "bar",
      auth_provider_x509_cert_url = "bar",
      client_x509_cert_url = "bar",
    },
  }
end)

-- POST /external_connections (python seed: client.external_connections.create; reads .data)
check("external_connections.create", "json", {"active", "created_at", "credential_active", "external_sip_connection", "id", "inbound", "outbound", "record_type", "tags", "updated_at", "webhook_api_version", "webhook_event_failover_url", "webhook_event_url", "webhook_timeout_secs"}, function()
  return telnyx.external_connections.create{
    external_sip_connection = "zoom",
    outbound = {},
  }
end)

-- DELETE /external_connections/{id} (python seed: client.external_connections.delete; reads .data)
check("external_connections.delete", "json", {"active", "created_at", "credential_active", "external_sip_connection", "id", "inbound", "outbound", "record_type", "tags", "updated_at", "webhook_api_version", "webhook_event_failover_url", "webhook_event_url", "webhook_timeout_secs"}, function()
  return telnyx.external_connections.delete(ID("/external_connections/{id}", "id", 1))
end)

-- GET /external_connections (python seed: client.external_connections.list; reads .id)
check("external_connections.list", "page:DefaultFlatPagination", {"active", "created_at", "credential_active", "external_sip_connection", "id", "inbound", "outbound", "record_type", "tags", "updated_at", "webhook_api_version", "webhook_event_failover_url", "webhook_event_url", "webhook_timeout_secs"}, function()
  return telnyx.external_connections.list()
end)

-- GET /external_connections/{id} (python seed: client.external_connections.retrieve; reads .data)
check("external_connections.retrieve", "json", {"active", "created_at", "credential_active", "external_sip_connection", "id", "inbound", "outbound", "record_type", "tags", "updated_at", "webhook_api_version", "webhook_event_failover_url", "webhook_event_url", "webhook_timeout_secs"}, function()
  return telnyx.external_connections.retrieve(ID("/external_connections/{id}", "id"))
end)

-- PATCH /external_connections/{id} (python seed: client.external_connections.update; reads .data)
check("external_connections.update", "json", {"active", "created_at", "credential_active", "external_sip_connection", "id", "inbound", "outbound", "record_type", "tags", "updated_at", "webhook_api_version", "webhook_event_failover_url", "webhook_event_url", "webhook_timeout_secs"}, function()
  return telnyx.external_connections.update{
    id = ID("/external_connections/{id}", "id"),
    outbound = {
      outbound_voice_profile_id = "1911630617284445511",
    },
  }
end)

-- PATCH /external_connections/{id}/locations/{location_id} (python seed: client.external_connections.update_location; reads .data)
check("external_connections.update_location", "json", {"accepted_address_suggestions", "location_id", "static_emergency_address_id"}, function()
  return telnyx.external_connections.update_location{
    location_id = ID("/external_connections/{id}/locations/{location_id}", "location_id"),
    id = ID("/external_connections/{id}/locations/{location_id}", "id"),
    static_emergency_address_id = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
  }
end)

-- GET /external_connections/{id}/civic_addresses (python seed: client.external_connections.civic_addresses.list; reads .data)
check("external_connections.civic_addresses.list", "json", {"city_or_town", "city_or_town_alias", "company_name", "country", "country_or_district", "default_location_id", "description", "house_number", "house_number_suffix", "id", "locations", "postal_or_zip_code", "record_type", "state_or_province", "street_name", "street_suffix"}, function()
  return telnyx.external_connections.civic_addresses.list{
    id = ID("/external_connections/{id}/civic_addresses", "id"),
  }
end)

-- GET /external_connections/{id}/civic_addresses/{address_id} (python seed: client.external_connections.civic_addresses.retrieve; reads .data)
check("external_connections.civic_addresses.retrieve", "json", {"city_or_town", "city_or_town_alias", "company_name", "country", "country_or_district", "default_location_id", "description", "house_number", "house_number_suffix", "id", "locations", "postal_or_zip_code", "record_type", "state_or_province", "street_name", "street_suffix"}, function()
  return telnyx.external_connections.civic_addresses.retrieve{
    address_id = ID("/external_connections/{id}/civic_addresses/{address_id}", "address_id"),
    id = ID("/external_connections/{id}/civic_addresses/{address_id}", "id"),
  }
end)

-- DELETE /external_connections/log_messages/{id} (python seed: client.external_connections.log_messages.dismiss; reads .success)
check("external_connections.log_messages.dismiss", "json", {"success"}, function()
  return telnyx.external_connections.log_messages.dismiss(ID("/external_connections/log_messages/{id}", "id", 1))
end)

-- GET /external_connections/log_messages (python seed: client.external_connections.log_messages.list; reads .code)
check("external_connections.log_messages.list", "page:DefaultPaginationForLogMessages", {"log_messages", "meta"}, function()
  return telnyx.external_connections.log_messages.list()
end)

-- GET /external_connections/log_messages/{id} (python seed: client.external_connections.log_messages.retrieve; reads .log_messages)
check("external_connections.log_messages.retrieve", "json", {"log_messages"}, function()
  return telnyx.external_connections.log_messages.retrieve(ID("/external_connections/log_messages/{id}", "id"))
end)

-- GET /external_connections/{id}/phone_numbers (python seed: client.external_connections.phone_numbers.list; reads .civic_address_id)
check("external_connections.phone_numbers.list", "page:DefaultFlatPagination", {"acquired_capabilities", "civic_address_id", "displayed_country_code", "location_id", "number_id", "telephone_number", "ticket_id"}, function()
  return telnyx.external_connections.phone_numbers.list{
    id = ID("/external_connections/{id}/phone_numbers", "id"),
  }
end)

-- GET /external_connections/{id}/phone_numbers/{phone_number_id} (python seed: client.external_connections.phone_numbers.retrieve; reads .data)
check("external_connections.phone_numbers.retrieve", "json", {"acquired_capabilities", "civic_address_id", "displayed_country_code", "location_id", "number_id", "telephone_number", "ticket_id"}, function()
  return telnyx.external_connections.phone_numbers.retrieve{
    phone_number_id = ID("/external_connections/{id}/phone_numbers/{phone_number_id}", "phone_number_id"),
    id = ID("/external_connections/{id}/phone_numbers/{phone_number_id}", "id"),
  }
end)

-- PATCH /external_connections/{id}/phone_numbers/{phone_number_id} (python seed: client.external_connections.phone_numbers.update; reads .data)
check("external_connections.phone_numbers.update", "json", {"acquired_capabilities", "civic_address_id", "displayed_country_code", "location_id", "number_id", "telephone_number", "ticket_id"}, function()
  return telnyx.external_connections.phone_numbers.update{
    phone_number_id = ID("/external_connections/{id}/phone_numbers/{phone_number_id}", "phone_number_id"),
    id = ID("/external_connections/{id}/phone_numbers/{phone_number_id}", "id"),
  }
end)

-- GET /external_connections/{id}/releases (python seed: client.external_connections.releases.list; reads .tenant_id)
check("external_connections.releases.list", "page:DefaultFlatPagination", {"created_at", "error_message", "status", "telephone_numbers", "tenant_id", "ticket_id"}, function()
  return telnyx.external_connections.releases.list{
    id = ID("/external_connections/{id}/releases", "id"),
  }
end)

-- GET /external_connections/{id}/releases/{release_id} (python seed: client.external_connections.releases.retrieve; reads .data)
check("external_connections.releases.retrieve", "json", {"created_at", "error_message", "status", "telephone_numbers", "tenant_id", "ticket_id"}, function()
  return telnyx.external_connections.releases.retrieve{
    release_id = ID("/external_connections/{id}/releases/{release_id}", "release_id"),
    id = ID("/external_connections/{id}/releases/{release_id}", "id"),
  }
end)

-- POST /external_connections/{id}/uploads (python seed: client.external_connections.uploads.create; reads .ticket_id)
check("external_connections.uploads.create", "json", {"success", "ticket_id"}, function()
  return telnyx.external_connections.uploads.create{
    id = ID("/external_connections/{id}/uploads", "id"),
    number_ids = {"3920457616934164700", "3920457616934164701", "3920457616934164702", "3920457616934164703"},
  }
end)

-- GET /external_connections/{id}/uploads (python seed: client.external_connections.uploads.list; reads .location_id)
check("external_connections.uploads.list", "page:DefaultFlatPagination", {"available_usages", "error_code", "error_message", "location_id", "status", "tenant_id", "ticket_id", "tn_upload_entries"}, function()
  return telnyx.external_connections.uploads.list{
    id = ID("/external_connections/{id}/uploads", "id"),
  }
end)

-- GET /external_connections/{id}/uploads/status (python seed: client.external_connections.uploads.pending_count; reads .data)
check("external_connections.uploads.pending_count", "json", {"pending_numbers_count", "pending_orders_count"}, function()
  return telnyx.external_connections.uploads.pending_count(ID("/external_connections/{id}/uploads/status", "id"))
end)

-- POST /external_connections/{id}/uploads/refresh (python seed: client.external_connections.uploads.refresh_status; reads .success)
check("external_connections.uploads.refresh_status", "json", {"success"}, function()
  return telnyx.external_connections.uploads.refresh_status(ID("/external_connections/{id}/uploads/refresh", "id"))
end)

-- GET /external_connections/{id}/uploads/{ticket_id} (python seed: client.external_connections.uploads.retrieve; reads .data)
check("external_connections.uploads.retrieve", "json", {"available_usages", "error_code", "error_message", "location_id", "status", "tenant_id", "ticket_id", "tn_upload_entries"}, function()
  return telnyx.external_connections.uploads.retrieve{
    ticket_id = ID("/external_connections/{id}/uploads/{ticket_id}", "ticket_id"),
    id = ID("/external_connections/{id}/uploads/{ticket_id}", "id"),
  }
end)

-- POST /external_connections/{id}/uploads/{ticket_id}/retry (python seed: client.external_connections.uploads.retry; reads .data)
check("external_connections.uploads.retry", "json", {"available_usages", "error_code", "error_message", "location_id", "status", "tenant_id", "ticket_id", "tn_upload_entries"}, function()
  return telnyx.external_connections.uploads.retry{
    ticket_id = ID("/external_connections/{id}/uploads/{ticket_id}/retry", "ticket_id"),
    id = ID("/external_connections/{id}/uploads/{ticket_id}/retry", "id"),
  }
end)

-- DELETE /media/{media_name} (python seed: client.media.delete; reads nothing)
check("media.delete", "none", {}, function()
  return telnyx.media.delete(ID("/media/{media_name}", "media_name", 1))
end)

-- GET /media/{media_name}/download (python seed: client.media.download; reads nothing)
check("media.download", "binary", {}, function()
  return telnyx.media.download(ID("/media/{media_name}/download", "media_name"))
end)

-- GET /media (python seed: client.media.list; reads .data)
check("media.list", "json", {"content_type", "created_at", "expires_at", "media_name", "updated_at"}, function()
  return telnyx.media.list()
end)

-- GET /media/{media_name} (python seed: client.media.retrieve; reads .data)
check("media.retrieve", "json", {"content_type", "created_at", "expires_at", "media_name", "updated_at"}, function()
  return telnyx.media.retrieve(ID("/media/{media_name}", "media_name"))
end)

-- PUT /media/{media_name} (python seed: client.media.update; reads .data)
check("media.update", "json", {"content_type", "created_at", "expires_at", "media_name", "updated_at"}, function()
  return telnyx.media.update{
    media_name = ID("/media/{media_name}", "media_name"),
  }
end)

-- POST /media (python seed: client.media.upload; reads .data)
check("media.upload", "json", {"content_type", "created_at", "expires_at", "media_name", "updated_at"}, function()
  return telnyx.media.upload{
    media_url = "http://www.example.com/audio.mp3",
  }
end)

-- POST /operator_connect/actions/refresh (python seed: client.operator_connect.actions.refresh; reads .message)
check("operator_connect.actions.refresh", "json", {"message", "success"}, function()
  return telnyx.operator_connect.actions.refresh()
end)

-- DELETE /recording_transcriptions/{recording_transcription_id} (python seed: client.recording_transcriptions.delete; reads .data)
check("recording_transcriptions.delete", "json", {"created_at", "duration_millis", "id", "record_type", "recording_id", "status", "transcription_text", "updated_at"}, function()
  return telnyx.recording_transcriptions.delete(ID("/recording_transcriptions/{recording_transcription_id}", "recording_transcription_id", 1))
end)

-- GET /recording_transcriptions (python seed: client.recording_transcriptions.list; reads .id)
check("recording_transcriptions.list", "page:DefaultFlatPagination", {"created_at", "duration_millis", "id", "record_type", "recording_id", "status", "transcription_text", "updated_at"}, function()
  return telnyx.recording_transcriptions.list()
end)

-- GET /recording_transcriptions/{recording_transcription_id} (python seed: client.recording_transcriptions.retrieve; reads .data)
check("recording_transcriptions.retrieve", "json", {"created_at", "duration_millis", "id", "record_type", "recording_id", "status", "transcription_text", "updated_at"}, function()
  return telnyx.recording_transcriptions.retrieve(ID("/recording_transcriptions/{recording_transcription_id}", "recording_transcription_id"))
end)

-- DELETE /recordings/{recording_id} (python seed: client.recordings.delete; reads .data)
check("recordings.delete", "json", {"call_control_id", "call_leg_id", "call_session_id", "channels", "conference_id", "connection_id", "created_at", "download_urls", "duration_millis", "from", "id", "initiated_by", "record_type", "recording_ended_at", "recording_started_at", "source", "status", "to", "updated_at"}, function()
  return telnyx.recordings.delete(ID("/recordings/{recording_id}", "recording_id", 1))
end)

-- GET /recordings (python seed: client.recordings.list; reads .id)
check("recordings.list", "page:DefaultFlatPagination", {"call_control_id", "call_leg_id", "call_session_id", "channels", "conference_id", "connection_id", "created_at", "download_urls", "duration_millis", "from", "id", "initiated_by", "record_type", "recording_ended_at", "recording_started_at", "source", "status", "to", "updated_at"}, function()
  return telnyx.recordings.list()
end)

-- GET /recordings/{recording_id} (python seed: client.recordings.retrieve; reads .data)
check("recordings.retrieve", "json", {"call_control_id", "call_leg_id", "call_session_id", "channels", "conference_id", "connection_id", "created_at", "download_urls", "duration_millis", "from", "id", "initiated_by", "record_type", "recording_ended_at", "recording_started_at", "source", "status", "to", "updated_at"}, function()
  return telnyx.recordings.retrieve(ID("/recordings/{recording_id}", "recording_id"))
end)

-- POST /recordings/actions/delete (python seed: client.recordings.actions.delete; reads .status)
check("recordings.actions.delete", "json", {"status"}, function()
  return telnyx.recordings.actions.delete{
    ids = {"428c31b6-7af4-4bcb-b7f5-5013ef9657c1", "428c31b6-7af4-4bcb-b7f5-5013ef9657c2"},
  }
end)

-- POST /siprec_connectors (python seed: client.siprec_connectors.create; reads .data)
check("siprec_connectors.create", "json", {"app_subdomain", "created_at", "host", "name", "port", "record_type", "updated_at"}, function()
  return telnyx.siprec_connectors.create{
    host = "siprec.telnyx.com",
    name = "my-siprec-connector",
    port = 5060,
  }
end)

-- DELETE /siprec_connectors/{connector_name} (python seed: client.siprec_connectors.delete; reads nothing)
check("siprec_connectors.delete", "none", {}, function()
  return telnyx.siprec_connectors.delete(ID("/siprec_connectors/{connector_name}", "connector_name", 1))
end)

-- GET /siprec_connectors/{connector_name} (python seed: client.siprec_connectors.retrieve; reads .data)
check("siprec_connectors.retrieve", "json", {"app_subdomain", "created_at", "host", "name", "port", "record_type", "updated_at"}, function()
  return telnyx.siprec_connectors.retrieve(ID("/siprec_connectors/{connector_name}", "connector_name"))
end)

-- PUT /siprec_connectors/{connector_name} (python seed: client.siprec_connectors.update; reads .data)
check("siprec_connectors.update", "json", {"app_subdomain", "created_at", "host", "name", "port", "record_type", "updated_at"}, function()
  return telnyx.siprec_connectors.update{
    connector_name = ID("/siprec_connectors/{connector_name}", "connector_name"),
    host = "siprec.telnyx.com",
    name = "my-siprec-connector",
    port = 5060,
  }
end)
