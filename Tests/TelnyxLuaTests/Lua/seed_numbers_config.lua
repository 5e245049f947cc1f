-- Seed area numbers-config: the calls of its seed documents (see seed_helpers.lua).
local check, ID = SEED.check, ID

-- POST /messaging_numbers_bulk_updates (javascript seed: client.messagingNumbersBulkUpdates.create; reads .data)
check("messaging_numbers_bulk_updates.create", "json", {"failed", "order_id", "pending", "record_type", "success"}, function()
  return telnyx.messagingNumbersBulkUpdates.create({
    messaging_profile_id = "00000000-0000-0000-0000-000000000000",
    numbers = {"+18880000000", "+18880000001", "+18880000002"},
  })
end)

-- GET /messaging_numbers_bulk_updates/{order_id} (javascript seed: client.messagingNumbersBulkUpdates.retrieve; reads .data)
check("messaging_numbers_bulk_updates.retrieve", "json", {"failed", "order_id", "pending", "record_type", "success"}, function()
  return telnyx.messagingNumbersBulkUpdates.retrieve(ID("/messaging_numbers_bulk_updates/{order_id}", "order_id"))
end)

-- GET /v2/mobile_phone_numbers (javascript seed: client.mobilePhoneNumbers.list; reads .id)
check("mobile_phone_numbers.list", "page:DefaultFlatPagination", {"call_forwarding", "call_recording", "caller_id_name_enabled", "cnam_listing", "connection_id", "connection_name", "connection_type", "country_iso_alpha2", "created_at", "customer_reference", "id", "inbound", "inbound_call_screening", "mobile_voice_enabled", "noise_suppression", "outbound", "phone_number", "record_type", "sim_card_id", "status", "tags", "updated_at"}, function()
  return telnyx.mobilePhoneNumbers.list()
end)

-- GET /v2/mobile_phone_numbers/{id} (javascript seed: client.mobilePhoneNumbers.retrieve; reads .data)
check("mobile_phone_numbers.retrieve", "json", {"call_forwarding", "call_recording", "caller_id_name_enabled", "cnam_listing", "connection_id", "connection_name", "connection_type", "country_iso_alpha2", "created_at", "customer_reference", "id", "inbound", "inbound_call_screening", "mobile_voice_enabled", "noise_suppression", "outbound", "phone_number", "record_type", "sim_card_id", "status", "tags", "updated_at"}, function()
  return telnyx.mobilePhoneNumbers.retrieve(ID("/v2/mobile_phone_numbers/{id}", "id"))
end)

-- PATCH /v2/mobile_phone_numbers/{id} (javascript seed: client.mobilePhoneNumbers.update; reads .data)
check("mobile_phone_numbers.update", "json", {"call_forwarding", "call_recording", "caller_id_name_enabled", "cnam_listing", "connection_id", "connection_name", "connection_type", "country_iso_alpha2", "created_at", "customer_reference", "id", "inbound", "inbound_call_screening", "mobile_voice_enabled", "noise_suppression", "outbound", "phone_number", "record_type", "sim_card_id", "status", "tags", "updated_at"}, function()
  return telnyx.mobilePhoneNumbers.update(ID("/v2/mobile_phone_numbers/{id}", "id"))
end)

-- GET /mobile_phone_numbers/messaging (javascript seed: client.mobilePhoneNumbers.messaging.list; reads .id)
check("mobile_phone_numbers.messaging.list", "page:DefaultFlatPagination", {"country_code", "created_at", "features", "id", "messaging_product", "messaging_profile_id", "organization_id", "phone_number", "record_type", "tags", "traffic_type", "type", "updated_at"}, function()
  return telnyx.mobilePhoneNumbers.messaging.list()
end)

-- GET /mobile_phone_numbers/{id}/messaging (javascript seed: client.mobilePhoneNumbers.messaging.retrieve; reads .data)
check("mobile_phone_numbers.messaging.retrieve", "json", {"country_code", "created_at", "features", "id", "messaging_product", "messaging_profile_id", "organization_id", "phone_number", "record_type", "tags", "traffic_type", "type", "updated_at"}, function()
  return telnyx.mobilePhoneNumbers.messaging.retrieve(ID("/mobile_phone_numbers/{id}/messaging", "id"))
end)

-- DELETE /phone_numbers/{id} (javascript seed: client.phoneNumbers.delete; reads .data)
check("phone_numbers.delete", "json", {"billing_group_id", "call_forwarding_enabled", "call_recording_enabled", "caller_id_name_enabled", "cnam_listing_enabled", "connection_id", "connection_name", "created_at", "customer_reference", "deletion_lock_enabled", "emergency_address_id", "emergency_enabled", "external_pin", "hd_voice_enabled", "id", "messaging_profile_id", "messaging_profile_name", "phone_number", "phone_number_type", "purchased_at", "record_type", "status", "t38_fax_gateway_enabled", "tags", "updated_at"}, function()
  return telnyx.phoneNumbers.delete(ID("/phone_numbers/{id}", "id", 1))
end)

-- GET /phone_numbers (javascript seed: client.phoneNumbers.list; reads .id)
check("phone_numbers.list", "page:DefaultFlatPagination", {"billing_group_id", "call_forwarding_enabled", "call_recording_enabled", "caller_id_name_enabled", "cnam_listing_enabled", "connection_id", "connection_name", "country_iso_alpha2", "created_at", "customer_reference", "deletion_lock_enabled", "emergency_address_id", "emergency_enabled", "emergency_status", "external_pin", "hd_voice_enabled", "id", "inbound_call_screening", "messaging_profile_id", "messaging_profile_name", "phone_number", "phone_number_type", "purchased_at", "record_type", "source_type", "status", "t38_fax_gateway_enabled", "tags", "updated_at"}, function()
  return telnyx.phoneNumbers.list()
end)

-- GET /phone_numbers/{id} (javascript seed: client.phoneNumbers.retrieve; reads .data)
check("phone_numbers.retrieve", "json", {"billing_group_id", "call_forwarding_enabled", "call_recording_enabled", "caller_id_name_enabled", "cnam_listing_enabled", "connection_id", "connection_name", "country_iso_alpha2", "created_at", "customer_reference", "deletion_lock_enabled", "emergency_address_id", "emergency_enabled", "emergency_status", "external_pin", "hd_voice_enabled", "id", "inbound_call_screening", "messaging_profile_id", "messaging_profile_name", "phone_number", "phone_number_type", "purchased_at", "record_type", "source_type", "status", "t38_fax_gateway_enabled", "tags", "updated_at"}, function()
  return telnyx.phoneNumbers.retrieve(ID("/phone_numbers/{id}", "id"))
end)

-- GET /phone_numbers/slim (javascript seed: client.phoneNumbers.slimList; reads .id)
check("phone_numbers.slim_list", "page:DefaultFlatPagination", {"billing_group_id", "call_forwarding_enabled", "call_recording_enabled", "caller_id_name_enabled", "cnam_listing_enabled", "connection_id", "country_iso_alpha2", "created_at", "customer_reference", "emergency_address_id", "emergency_enabled", "emergency_status", "external_pin", "hd_voice_enabled", "id", "inbound_call_screening", "phone_number", "phone_number_type", "purchased_at", "record_type", "status", "t38_fax_gateway_enabled", "updated_at"}, function()
  return telnyx.phoneNumbers.slimList()
end)

-- PATCH /phone_numbers/{id} (javascript seed: client.phoneNumbers.update; reads .data)
check("phone_numbers.update", "json", {"billing_group_id", "call_forwarding_enabled", "call_recording_enabled", "caller_id_name_enabled", "cnam_listing_enabled", "connection_id", "connection_name", "country_iso_alpha2", "created_at", "customer_reference", "deletion_lock_enabled", "emergency_address_id", "emergency_enabled", "emergency_status", "external_pin", "hd_voice_enabled", "id", "inbound_call_screening", "messaging_profile_id", "messaging_profile_name", "phone_number", "phone_number_type", "purchased_at", "record_type", "source_type", "status", "t38_fax_gateway_enabled", "tags", "updated_at"}, function()
  return telnyx.phoneNumbers.update(ID("/phone_numbers/{id}", "phone_number_id"))
end)

-- PATCH /phone_numbers/{id}/actions/bundle_status_change (javascript seed: client.phoneNumbers.actions.changeBundleStatus; reads .data)
check("phone_numbers.actions.change_bundle_status", "json", {"call_forwarding", "call_recording", "cnam_listing", "connection_id", "customer_reference", "emergency", "id", "inbound_call_screening", "media_features", "phone_number", "record_type", "tech_prefix_enabled", "translated_number", "usage_payment_method"}, function()
  return telnyx.phoneNumbers.actions.changeBundleStatus(ID("/phone_numbers/{id}/actions/bundle_status_change", "id"), {
    bundle_id = "5194d8fc-87e6-4188-baa9-1c434bbe861b",
  })
end)

-- POST /phone_numbers/{id}/actions/enable_emergency (javascript seed: client.phoneNumbers.actions.enableEmergency; reads .data)
check("phone_numbers.actions.enable_emergency", "json", {"call_forwarding", "call_recording", "cnam_listing", "connection_id", "customer_reference", "emergency", "id", "inbound_call_screening", "media_features", "phone_number", "record_type", "tech_prefix_enabled", "translated_number", "usage_payment_method"}, function()
  return telnyx.phoneNumbers.actions.enableEmergency(ID("/phone_numbers/{id}/actions/enable_emergency", "id"), {
    emergency_address_id = "53829456729313",
    emergency_enabled = true,
  })
end)

-- POST /phone_numbers/actions/verify_ownership (javascript seed: client.phoneNumbers.actions.verifyOwnership; reads .data)
check("phone_numbers.actions.verify_ownership", "json", {"found", "not_found", "record_type"}, function()
  return telnyx.phoneNumbers.actions.verifyOwnership({
    phone_numbers = {"+15551234567"},
  })
end)

-- POST /phone_numbers/jobs/delete_phone_numbers (javascript seed: client.phoneNumbers.jobs.deleteBatch; reads .data)
check("phone_numbers.jobs.delete_batch", "json", {"created_at", "etc", "failed_operations", "id", "pending_operations", "phone_numbers", "record_type", "status", "successful_operations", "type", "updated_at"}, function()
  return telnyx.phoneNumbers.jobs.deleteBatch({
    phone_numbers = {"+19705555098", "+19715555098", "32873127836"},
  })
end)

-- GET /phone_numbers/jobs (javascript seed: client.phoneNumbers.jobs.list; reads .id)
check("phone_numbers.jobs.list", "page:DefaultFlatPagination", {"created_at", "etc", "failed_operations", "id", "pending_operations", "phone_numbers", "record_type", "status", "successful_operations", "type", "updated_at"}, function()
  return telnyx.phoneNumbers.jobs.list()
end)

-- GET /phone_numbers/jobs/{id} (javascript seed: client.phoneNumbers.jobs.retrieve; reads .data)
check("phone_numbers.jobs.retrieve", "json", {"created_at", "etc", "failed_operations", "id", "pending_operations", "phone_numbers", "record_type", "status", "successful_operations", "type", "updated_at"}, function()
  return telnyx.phoneNumbers.jobs.retrieve(ID("/phone_numbers/jobs/{id}", "id"))
end)

-- POST /phone_numbers/jobs/update_phone_numbers (javascript seed: client.phoneNumbers.jobs.updateBatch; reads .data)
check("phone_numbers.jobs.update_batch", "json", {"created_at", "etc", "failed_operations", "id", "pending_operations", "phone_numbers", "record_type", "status", "successful_operations", "type", "updated_at"}, function()
  return telnyx.phoneNumbers.jobs.updateBatch({
    phone_numbers = {"1583466971586889004", "+13127367254"},
  })
end)

-- POST /phone_numbers/jobs/update_emergency_settings (javascript seed: client.phoneNumbers.jobs.updateEmergencySettingsBatch; reads .data)
check("phone_numbers.jobs.update_emergency_settings_batch", "json", {"created_at", "etc", "failed_operations", "id", "pending_operations", "phone_numbers", "record_type", "status", "successful_operations", "type", "updated_at"}, function()
  return telnyx.phoneNumbers.jobs.updateEmergencySettingsBatch({
    emergency_enabled = true,
    phone_numbers = {"+19705555098", "+19715555098", "32873127836"},
  })
end)

-- GET /phone_numbers/messaging (javascript seed: client.phoneNumbers.messaging.list; reads .id)
check("phone_numbers.messaging.list", "page:DefaultFlatPagination", {"country_code", "created_at", "eligible_messaging_products", "features", "health", "id", "messaging_product", "messaging_profile_id", "organization_id", "phone_number", "record_type", "tags", "traffic_type", "type", "updated_at"}, function()
  return telnyx.phoneNumbers.messaging.list()
end)

-- GET /phone_numbers/{id}/messaging (javascript seed: client.phoneNumbers.messaging.retrieve; reads .data)
check("phone_numbers.messaging.retrieve", "json", {"country_code", "created_at", "eligible_messaging_products", "features", "health", "id", "messaging_product", "messaging_profile_id", "organization_id", "phone_number", "record_type", "tags", "traffic_type", "type", "updated_at"}, function()
  return telnyx.phoneNumbers.messaging.retrieve(ID("/phone_numbers/{id}/messaging", "id"))
end)

-- PATCH /phone_numbers/{id}/messaging (javascript seed: client.phoneNumbers.messaging.update; reads .data)
check("phone_numbers.messaging.update", "json", {"country_code", "created_at", "eligible_messaging_products", "features", "health", "id", "messaging_product", "messaging_profile_id", "organization_id", "phone_number", "record_type", "tags", "traffic_type", "type", "updated_at"}, function()
  return telnyx.phoneNumbers.messaging.update(ID("/phone_numbers/{id}/messaging", "id"))
end)

-- GET /phone_numbers/voice (javascript seed: client.phoneNumbers.voice.list; reads .id)
check("phone_numbers.voice.list", "page:DefaultFlatPagination", {"call_forwarding", "call_recording", "cnam_listing", "connection_id", "customer_reference", "emergency", "id", "inbound_call_screening", "media_features", "phone_number", "record_type", "tech_prefix_enabled", "translated_number", "usage_payment_method"}, function()
  return telnyx.phoneNumbers.voice.list()
end)

-- GET /phone_numbers/{id}/voice (javascript seed: client.phoneNumbers.voice.retrieve; reads .data)
check("phone_numbers.voice.retrieve", "json", {"call_forwarding", "call_recording", "cnam_listing", "connection_id", "customer_reference", "emergency", "id", "inbound_call_screening", "media_features", "phone_number", "record_type", "tech_prefix_enabled", "translated_number", "usage_payment_method"}, function()
  return telnyx.phoneNumbers.voice.retrieve(ID("/phone_numbers/{id}/voice", "id"))
end)

-- PATCH /phone_numbers/{id}/voice (javascript seed: client.phoneNumbers.voice.update; reads .data)
check("phone_numbers.voice.update", "json", {"call_forwarding", "call_recording", "cnam_listing", "connection_id", "customer_reference", "emergency", "id", "inbound_call_screening", "media_features", "phone_number", "record_type", "tech_prefix_enabled", "translated_number", "usage_payment_method"}, function()
  return telnyx.phoneNumbers.voice.update(ID("/phone_numbers/{id}/voice", "id"))
end)
