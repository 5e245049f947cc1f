-- Seed area texml: the calls of its seed documents (see seed_helpers.lua).
local check, ID = SEED.check, ID

-- POST /texml/secrets (javascript seed: client.texml.secrets; reads .data)
check("texml.secrets", "json", {"name", "value"}, function()
  return telnyx.texml.secrets({
    name = "My Secret Name",
    value = "My Secret Value",
  })
end)

-- GET /texml/Accounts/{account_sid}/Recordings.json (javascript seed: client.texml.accounts.retrieveRecordingsJson; reads .end)
check("texml.accounts.retrieve_recordings_json", "json", {"end", "first_page_uri", "next_page_uri", "page", "page_size", "previous_page_uri", "recordings", "start", "uri"}, function()
  return telnyx.texml.accounts.retrieveRecordingsJson(ID("/texml/Accounts/{account_sid}/Recordings.json", "account_sid"))
end)

-- GET /texml/Accounts/{account_sid}/Transcriptions.json (javascript seed: client.texml.accounts.retrieveTranscriptionsJson; reads .end)
check("texml.accounts.retrieve_transcriptions_json", "json", {"end", "first_page_uri", "next_page_uri", "page", "page_size", "previous_page_uri", "start", "transcriptions", "uri"}, function()
  return telnyx.texml.accounts.retrieveTranscriptionsJson(ID("/texml/Accounts/{account_sid}/Transcriptions.json", "account_sid"))
end)

-- POST /texml/Accounts/{account_sid}/Calls (javascript seed: client.texml.accounts.calls.calls; reads .from)
check("texml.accounts.calls.calls", "json", {"from", "status", "to"}, function()
  return telnyx.texml.accounts.calls.calls(ID("/texml/Accounts/{account_sid}/Calls", "account_sid"), {
    ApplicationSid = "example-app-sid",
    From = "+13120001234",
    To = "+13121230000",
  })
end)

-- GET /texml/Accounts/{account_sid}/Calls/{call_sid} (javascript seed: client.texml.accounts.calls.retrieve; reads .account_sid)
check("texml.accounts.calls.retrieve", "json", {"account_sid", "answered_by", "caller_name", "date_created", "date_updated", "direction", "duration", "end_time", "from", "from_formatted", "price", "price_unit", "sid", "start_time", "status", "to", "to_formatted", "uri"}, function()
  return telnyx.texml.accounts.calls.retrieve(ID("/texml/Accounts/{account_sid}/Calls/{call_sid}", "call_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Calls/{call_sid}", "account_sid"),
  })
end)

-- GET /texml/Accounts/{account_sid}/Calls (javascript seed: client.texml.accounts.calls.retrieveCalls; reads .calls)
check("texml.accounts.calls.retrieve_calls", "json", {"calls", "end", "first_page_uri", "next_page_uri", "page", "page_size", "start", "uri"}, function()
  return telnyx.texml.accounts.calls.retrieveCalls(ID("/texml/Accounts/{account_sid}/Calls", "account_sid"))
end)

-- POST /texml/Accounts/{account_sid}/Calls/{call_sid}/Siprec.json (javascript seed: client.texml.accounts.calls.siprecJson; reads .account_sid)
check("texml.accounts.calls.siprec_json", "json", {"account_sid", "call_sid", "date_created", "date_updated", "error_code", "sid", "start_time", "status", "track", "uri"}, function()
  return telnyx.texml.accounts.calls.siprecJson(ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Siprec.json", "call_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Siprec.json", "account_sid"),
  })
end)

-- POST /texml/Accounts/{account_sid}/Calls/{call_sid}/Streams.json (javascript seed: client.texml.accounts.calls.streamsJson; reads .account_sid)
check("texml.accounts.calls.streams_json", "json", {"account_sid", "call_sid", "date_updated", "name", "sid", "status", "uri"}, function()
  return telnyx.texml.accounts.calls.streamsJson(ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Streams.json", "call_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Streams.json", "account_sid"),
  })
end)

-- POST /texml/Accounts/{account_sid}/Calls/{call_sid} (javascript seed: client.texml.accounts.calls.update; reads .account_sid)
check("texml.accounts.calls.update", "json", {"account_sid", "answered_by", "caller_name", "date_created", "date_updated", "direction", "duration", "end_time", "from", "from_formatted", "price", "price_unit", "sid", "start_time", "status", "to", "to_formatted", "uri"}, function()
  return telnyx.texml.accounts.calls.update(ID("/texml/Accounts/{account_sid}/Calls/{call_sid}", "call_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Calls/{call_sid}", "account_sid"),
  })
end)

-- POST /texml/Accounts/{account_sid}/Calls/{call_sid}/Recordings/{recording_sid}.json (javascript seed: client.texml.accounts.calls.recordings.recordingSidJson; reads .account_sid)
check("texml.accounts.calls.recordings.recording_sid_json", "json", {"account_sid", "call_sid", "channels", "conference_sid", "date_created", "date_updated", "duration", "error_code", "price", "price_unit", "sid", "source", "start_time", "track", "uri"}, function()
  return telnyx.texml.accounts.calls.recordings.recordingSidJson(ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Recordings/{recording_sid}.json", "recording_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Recordings/{recording_sid}.json", "account_sid"),
    call_sid = ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Recordings/{recording_sid}.json", "call_sid"),
  })
end)

-- POST /texml/Accounts/{account_sid}/Calls/{call_sid}/Recordings.json (javascript seed: client.texml.accounts.calls.recordingsJson.recordingsJson; reads .account_sid)
check("texml.accounts.calls.recordings_json.recordings_json", "json", {"account_sid", "call_sid", "channels", "conference_sid", "date_created", "date_updated", "duration", "error_code", "price", "price_unit", "sid", "source", "start_time", "track", "uri"}, function()
  return telnyx.texml.accounts.calls.recordingsJson.recordingsJson(ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Recordings.json", "call_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Recordings.json", "account_sid"),
  })
end)

-- GET /texml/Accounts/{account_sid}/Calls/{call_sid}/Recordings.json (javascript seed: client.texml.accounts.calls.recordingsJson.retrieveRecordingsJson; reads .end)
check("texml.accounts.calls.recordings_json.retrieve_recordings_json", "json", {"end", "first_page_uri", "next_page_uri", "page", "page_size", "previous_page_uri", "recordings", "start", "uri"}, function()
  return telnyx.texml.accounts.calls.recordingsJson.retrieveRecordingsJson(ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Recordings.json", "call_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Recordings.json", "account_sid"),
  })
end)

-- POST /texml/Accounts/{account_sid}/Calls/{call_sid}/Siprec/{siprec_sid}.json (javascript seed: client.texml.accounts.calls.siprec.siprecSidJson; reads .account_sid)
check("texml.accounts.calls.siprec.siprec_sid_json", "json", {"account_sid", "call_sid", "date_updated", "error_code", "sid", "status", "uri"}, function()
  return telnyx.texml.accounts.calls.siprec.siprecSidJson(ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Siprec/{siprec_sid}.json", "siprec_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Siprec/{siprec_sid}.json", "account_sid"),
    call_sid = ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Siprec/{siprec_sid}.json", "call_sid"),
  })
end)

-- POST /texml/Accounts/{account_sid}/Calls/{call_sid}/Streams/{streaming_sid}.json (javascript seed: client.texml.accounts.calls.streams.streamingSidJson; reads .account_sid)
check("texml.accounts.calls.streams.streaming_sid_json", "json", {"account_sid", "call_sid", "date_updated", "sid", "status", "uri"}, function()
  return telnyx.texml.accounts.calls.streams.streamingSidJson(ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Streams/{streaming_sid}.json", "streaming_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Streams/{streaming_sid}.json", "account_sid"),
    call_sid = ID("/texml/Accounts/{account_sid}/Calls/{call_sid}/Streams/{streaming_sid}.json", "call_sid"),
  })
end)

-- GET /texml/Accounts/{account_sid}/Conferences/{conference_sid} (javascript seed: client.texml.accounts.conferences.retrieve; reads .account_sid)
check("texml.accounts.conferences.retrieve", "json", {"account_sid", "api_version", "call_sid_ending_conference", "date_created", "date_updated", "friendly_name", "reason_conference_ended", "regions", "id", "status", "subresource_uris", "uri"}, function()
  return telnyx.texml.accounts.conferences.retrieve(ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}", "conference_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}", "account_sid"),
  })
end)

-- GET /texml/Accounts/{account_sid}/Conferences (javascript seed: client.texml.accounts.conferences.retrieveConferences; reads .conferences)
check("texml.accounts.conferences.retrieve_conferences", "json", {"conferences", "end", "first_page_uri", "next_page_uri", "page", "page_size", "start", "uri"}, function()
  return telnyx.texml.accounts.conferences.retrieveConferences(ID("/texml/Accounts/{account_sid}/Conferences", "account_sid"))
end)

-- GET /texml/Accounts/{account_sid}/Conferences/{conference_sid}/Recordings (javascript seed: client.texml.accounts.conferences.retrieveRecordings; reads .end)
check("texml.accounts.conferences.retrieve_recordings", "json", {"end", "first_page_uri", "next_page_uri", "page", "page_size", "participants", "recordings", "start", "uri"}, function()
  return telnyx.texml.accounts.conferences.retrieveRecordings(ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Recordings", "conference_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Recordings", "account_sid"),
  })
end)

-- GET /texml/Accounts/{account_sid}/Conferences/{conference_sid}/Recordings.json (javascript seed: client.texml.accounts.conferences.retrieveRecordingsJson; reads .end)
check("texml.accounts.conferences.retrieve_recordings_json", "json", {"end", "first_page_uri", "next_page_uri", "page", "page_size", "previous_page_uri", "recordings", "start", "uri"}, function()
  return telnyx.texml.accounts.conferences.retrieveRecordingsJson(ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Recordings.json", "conference_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Recordings.json", "account_sid"),
  })
end)

-- POST /texml/Accounts/{account_sid}/Conferences/{conference_sid} (javascript seed: client.texml.accounts.conferences.update; reads .account_sid)
check("texml.accounts.conferences.update", "json", {"account_sid", "api_version", "call_sid_ending_conference", "date_created", "date_updated", "friendly_name", "reason_conference_ended", "regions", "id", "status", "subresource_uris", "uri"}, function()
  return telnyx.texml.accounts.conferences.update(ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}", "conference_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}", "account_sid"),
  })
end)

-- DELETE /texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid_or_participant_label} (javascript seed: client.texml.accounts.conferences.participants.delete; reads nothing)
check("texml.accounts.conferences.participants.delete", "none", {}, function()
  return telnyx.texml.accounts.conferences.participants.delete(ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid_or_participant_label}", "call_sid_or_participant_label", 1), {
    account_sid = ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid_or_participant_label}", "account_sid"),
    conference_sid = ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid_or_participant_label}", "conference_sid"),
  })
end)

-- POST /texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants (javascript seed: client.texml.accounts.conferences.participants.participants; reads .account_sid)
check("texml.accounts.conferences.participants.participants", "json", {"account_sid", "call_sid", "coaching", "coaching_call_sid", "conference_sid", "end_conference_on_exit", "hold", "muted", "status", "uri"}, function()
  return telnyx.texml.accounts.conferences.participants.participants(ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants", "conference_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants", "account_sid"),
  })
end)

-- GET /texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid_or_participant_label} (javascript seed: client.texml.accounts.conferences.participants.retrieve; reads .account_sid)
check("texml.accounts.conferences.participants.retrieve", "json", {"account_sid", "api_version", "call_sid", "call_sid_legacy", "coaching", "coaching_call_sid", "coaching_call_sid_legacy", "conference_sid", "date_created", "date_updated", "end_conference_on_exit", "hold", "muted", "status", "uri"}, function()
  return telnyx.texml.accounts.conferences.participants.retrieve(ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid_or_participant_label}", "call_sid_or_participant_label"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid_or_participant_label}", "account_sid"),
    conference_sid = ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid_or_participant_label}", "conference_sid"),
  })
end)

-- GET /texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants (javascript seed: client.texml.accounts.conferences.participants.retrieveParticipants; reads .end)
check("texml.accounts.conferences.participants.retrieve_participants", "json", {"end", "first_page_uri", "next_page_uri", "page", "page_size", "participants", "start", "uri"}, function()
  return telnyx.texml.accounts.conferences.participants.retrieveParticipants(ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants", "conference_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants", "account_sid"),
  })
end)

-- POST /texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid_or_participant_label} (javascript seed: client.texml.accounts.conferences.participants.update; reads .account_sid)
check("texml.accounts.conferences.participants.update", "json", {"account_sid", "api_version", "call_sid", "call_sid_legacy", "coaching", "coaching_call_sid", "coaching_call_sid_legacy", "conference_sid", "date_created", "date_updated", "end_conference_on_exit", "hold", "muted", "status", "uri"}, function()
  return telnyx.texml.accounts.conferences.participants.update(ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid_or_participant_label}", "call_sid_or_participant_label"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid_or_participant_label}", "account_sid"),
    conference_sid = ID("/texml/Accounts/{account_sid}/Conferences/{conference_sid}/Participants/{call_sid_or_participant_label}", "conference_sid"),
  })
end)

-- POST /texml/Accounts/{account_sid}/Queues (javascript seed: client.texml.accounts.queues.create; reads .account_sid)
check("texml.accounts.queues.create", "json", {"account_sid", "average_wait_time", "current_size", "date_created", "date_updated", "max_size", "sid", "subresource_uris", "uri"}, function()
  return telnyx.texml.accounts.queues.create(ID("/texml/Accounts/{account_sid}/Queues", "account_sid"))
end)

-- DELETE /texml/Accounts/{account_sid}/Queues/{queue_sid} (javascript seed: client.texml.accounts.queues.delete; reads nothing)
check("texml.accounts.queues.delete", "none", {}, function()
  return telnyx.texml.accounts.queues.delete(ID("/texml/Accounts/{account_sid}/Queues/{queue_sid}", "queue_sid", 1), {
    account_sid = ID("/texml/Accounts/{account_sid}/Queues/{queue_sid}", "account_sid"),
  })
end)

-- GET /texml/Accounts/{account_sid}/Queues (javascript seed: client.texml.accounts.queues.list; reads .account_sid)
check("texml.accounts.queues.list", "page:DefaultPaginationForQueues", {"end", "first_page_uri", "next_page_uri", "page", "page_size", "queues", "start", "uri"}, function()
  return telnyx.texml.accounts.queues.list(ID("/texml/Accounts/{account_sid}/Queues", "account_sid"))
end)

-- GET /texml/Accounts/{account_sid}/Queues/{queue_sid} (javascript seed: client.texml.accounts.queues.retrieve; reads .account_sid)
check("texml.accounts.queues.retrieve", "json", {"account_sid", "average_wait_time", "current_size", "date_created", "date_updated", "max_size", "sid", "subresource_uris", "uri"}, function()
  return telnyx.texml.accounts.queues.retrieve(ID("/texml/Accounts/{account_sid}/Queues/{queue_sid}", "queue_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Queues/{queue_sid}", "account_sid"),
  })
end)

-- POST /texml/Accounts/{account_sid}/Queues/{queue_sid} (javascript seed: client.texml.accounts.queues.update; reads .account_sid)
check("texml.accounts.queues.update", "json", {"account_sid", "average_wait_time", "current_size", "date_created", "date_updated", "max_size", "sid", "subresource_uris", "uri"}, function()
  return telnyx.texml.accounts.queues.update(ID("/texml/Accounts/{account_sid}/Queues/{queue_sid}", "queue_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Queues/{queue_sid}", "account_sid"),
  })
end)

-- DELETE /texml/Accounts/{account_sid}/Recordings/{recording_sid}.json (javascript seed: client.texml.accounts.recordings.json.deleteRecordingSidJson; reads nothing)
check("texml.accounts.recordings.json.delete_recording_sid_json", "none", {}, function()
  return telnyx.texml.accounts.recordings.json.deleteRecordingSidJson(ID("/texml/Accounts/{account_sid}/Recordings/{recording_sid}.json", "recording_sid", 1), {
    account_sid = ID("/texml/Accounts/{account_sid}/Recordings/{recording_sid}.json", "account_sid"),
  })
end)

-- GET /texml/Accounts/{account_sid}/Recordings/{recording_sid}.json (javascript seed: client.texml.accounts.recordings.json.retrieveRecordingSidJson; reads .account_sid)
check("texml.accounts.recordings.json.retrieve_recording_sid_json", "json", {"account_sid", "call_sid", "channels", "conference_sid", "date_created", "date_updated", "duration", "error_code", "media_urls", "id", "source", "start_time", "status", "subresources_uris", "uri"}, function()
  return telnyx.texml.accounts.recordings.json.retrieveRecordingSidJson(ID("/texml/Accounts/{account_sid}/Recordings/{recording_sid}.json", "recording_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Recordings/{recording_sid}.json", "account_sid"),
  })
end)

-- DELETE /texml/Accounts/{account_sid}/Transcriptions/{recording_transcription_sid}.json (javascript seed: client.texml.accounts.transcriptions.json.deleteRecordingTranscriptionSidJson; reads nothing)
check("texml.accounts.transcriptions.json.delete_recording_transcription_sid_json", "none", {}, function()
  return telnyx.texml.accounts.transcriptions.json.deleteRecordingTranscriptionSidJson(ID("/texml/Accounts/{account_sid}/Transcriptions/{recording_transcription_sid}.json", "recording_transcription_sid", 1), {
    account_sid = ID("/texml/Accounts/{account_sid}/Transcriptions/{recording_transcription_sid}.json", "account_sid"),
  })
end)

-- GET /texml/Accounts/{account_sid}/Transcriptions/{recording_transcription_sid}.json (javascript seed: client.texml.accounts.transcriptions.json.retrieveRecordingTranscriptionSidJson; reads .account_sid)
check("texml.accounts.transcriptions.json.retrieve_recording_transcription_sid_json", "json", {"account_sid", "api_version", "call_sid", "date_created", "date_updated", "duration", "recording_sid", "sid", "status", "transcription_text", "uri"}, function()
  return telnyx.texml.accounts.transcriptions.json.retrieveRecordingTranscriptionSidJson(ID("/texml/Accounts/{account_sid}/Transcriptions/{recording_transcription_sid}.json", "recording_transcription_sid"), {
    account_sid = ID("/texml/Accounts/{account_sid}/Transcriptions/{recording_transcription_sid}.json", "account_sid"),
  })
end)

-- POST /texml_applications (javascript seed: client.texmlApplications.create; reads .data)
check("texml_applications.create", "json", {"active", "anchorsite_override", "call_cost_in_webhooks", "created_at", "dtmf_type", "first_command_timeout", "first_command_timeout_secs", "friendly_name", "id", "inbound", "outbound", "record_type", "status_callback", "status_callback_method", "tags", "updated_at", "voice_fallback_url", "voice_method", "voice_url"}, function()
  return telnyx.texmlApplications.create({
    friendly_name = "call-router",
    voice_url = "https://example.com",
  })
end)

-- DELETE /texml_applications/{id} (javascript seed: client.texmlApplications.delete; reads .data)
check("texml_applications.delete", "json", {"active", "anchorsite_override", "call_cost_in_webhooks", "created_at", "dtmf_type", "first_command_timeout", "first_command_timeout_secs", "friendly_name", "id", "inbound", "outbound", "record_type", "status_callback", "status_callback_method", "tags", "updated_at", "voice_fallback_url", "voice_method", "voice_url"}, function()
  return telnyx.texmlApplications.delete(ID("/texml_applications/{id}", "id", 1))
end)

-- GET /texml_applications (javascript seed: client.texmlApplications.list; reads .id)
check("texml_applications.list", "page:DefaultFlatPagination", {"active", "anchorsite_override", "call_cost_in_webhooks", "created_at", "dtmf_type", "first_command_timeout", "first_command_timeout_secs", "friendly_name", "id", "inbound", "outbound", "record_type", "status_callback", "status_callback_method", "tags", "updated_at", "voice_fallback_url", "voice_method", "voice_url"}, function()
  return telnyx.texmlApplications.list()
end)

-- GET /texml_applications/{id} (javascript seed: client.texmlApplications.retrieve; reads .data)
check("texml_applications.retrieve", "json", {"active", "anchorsite_override", "call_cost_in_webhooks", "created_at", "dtmf_type", "first_command_timeout", "first_command_timeout_secs", "friendly_name", "id", "inbound", "outbound", "record_type", "status_callback", "status_callback_method", "tags", "updated_at", "voice_fallback_url", "voice_method", "voice_url"}, function()
  return telnyx.texmlApplications.retrieve(ID("/texml_applications/{id}", "id"))
end)

-- PATCH /texml_applications/{id} (javascript seed: client.texmlApplications.update; reads .data)
check("texml_applications.update", "json", {"active", "anchorsite_override", "call_cost_in_webhooks", "created_at", "dtmf_type", "first_command_timeout", "first_command_timeout_secs", "friendly_name", "id", "inbound", "outbound", "record_type", "status_callback", "status_callback_method", "tags", "updated_at", "voice_fallback_url", "voice_method", "voice_url"}, function()
  return telnyx.texmlApplications.update(ID("/texml_applications/{id}", "id"), {
    friendly_name = "call-router",
    voice_url = "https://example.com",
  })
end)
