{#- A view: its readers take a few of its columns each, and `activity_sequence` comes
    numbered from staging, so writing every activity again as a table would cost more than
    the seed lookups it saves. -#}

with

activities as (

    select * from {{ ref('stg_raw__activities') }}

),

status_names as (

    select * from {{ ref('ticketflow_status_names') }}

),

status_categories as (

    select * from {{ ref('ticketflow_status_categories') }}

),

note_types as (

    select * from {{ ref('ticketflow_note_types') }}

),

activities_as_of as (

    -- With the `as_of` var set, the marts describe the tickets as they stood at that instant.
    -- Activities after as_of sort last in their ticket, so leaving them out keeps the
    -- sequence numbers of the others.
    select * from activities
    {%- if as_of_var() is not none %}
    where performed_at <= {{ as_of_var() }}
    {%- endif %}

),

mapped as (

    select
        activities_as_of.*,
        status_names.canonical_status,
        case
            when activities_as_of.status is not null
                then status_names.status_name is not null
        end as is_status_mapped,
        case
            when activities_as_of.status is not null
                then coalesce(status_names.status_category, 'other')
        end as status_category,
        -- Status identity for "a status equal to the current one is not a change": the
        -- canonical status of a mapped name, the name itself otherwise.
        case
            when activities_as_of.status is not null
                then coalesce(status_names.canonical_status, activities_as_of.status)
        end as status_key,
        status_categories.is_solved,
        status_categories.stage_order,
        coalesce(note_types.is_response_type, false) as is_response_type_note
    from activities_as_of
    left join status_names
        on lower(trim(activities_as_of.status)) = lower(trim(status_names.status_name))
    left join status_categories
        on coalesce(status_names.status_category, 'other') = status_categories.status_category
        and activities_as_of.status is not null
    left join note_types
        on activities_as_of.note_type = note_types.note_type

)

select * from mapped
