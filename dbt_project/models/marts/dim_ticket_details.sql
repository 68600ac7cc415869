{{ config(
    materialized=ticket_grain_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_tickets() }}",
    on_schema_change='append_new_columns',
) }}
-- depends_on: {{ ref('int_touched_tickets') }}

with

tickets as (

    select * from {{ ref('int_ticket_attributes_carried_forward') }}
    where {{ touched_tickets_only() }}

),

custom_fields as (

    select * from {{ ref('int_ticket_custom_fields_merged') }}
    where {{ touched_tickets_only() }}

),

final as (

    select
        tickets.ticket_id,
        tickets.product,
        tickets.category,
        tickets.shipping_address,
        tickets.shipment_date,
        tickets.contacted_customer,
        tickets.group_name,
        tickets.issue_type,
        tickets.ticket_type,
        custom_fields.custom_fields
    from tickets
    left join custom_fields
        on tickets.ticket_id = custom_fields.ticket_id

)

select * from final
