{#- Per ticket, the terms its service is measured by: the business calendar (that of its
    current group, else `default`) and the SLA policy with its targets (the last exported
    `sla_policy` when the seed names it, else `default`; the current priority picks the row,
    and a policy without a row for that priority gives null targets). -#}

{{ config(
    materialized=ticket_grain_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_tickets() }}",
) }}
-- depends_on: {{ ref('int_touched_tickets') }}

with

tickets as (

    select * from {{ ref('int_ticket_attributes_carried_forward') }}
    where {{ touched_tickets_only() }}

),

group_calendars as (

    select * from {{ ref('ticketflow_group_calendars') }}

),

sla_policies as (

    select * from {{ ref('ticketflow_sla_policies') }}

),

policy_names as (

    select distinct sla_policy from sla_policies

),

with_policy as (

    select
        tickets.ticket_id,
        tickets.priority,
        coalesce(group_calendars.calendar, 'default') as business_calendar,
        coalesce(policy_names.sla_policy, 'default') as applied_sla_policy
    from tickets
    left join group_calendars
        on tickets.group_name = group_calendars.group_name
    left join policy_names
        on tickets.sla_policy = policy_names.sla_policy

),

final as (

    select
        with_policy.ticket_id,
        with_policy.business_calendar,
        with_policy.applied_sla_policy,
        sla_policies.is_business_hours,
        sla_policies.first_response_target_seconds,
        sla_policies.resolution_target_seconds
    from with_policy
    left join sla_policies
        on
            with_policy.applied_sla_policy = sla_policies.sla_policy
            and with_policy.priority = sla_policies.priority

)

select * from final
