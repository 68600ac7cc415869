{{ config(materialized='table') }}

with

activities as (

    select * from {{ ref('stg_raw__activities') }}

),

activity_order_keys as (

    -- The ordering columns alone, read separately: a relation read twice through one CTE
    -- gets materialized whole by some engines, DuckDB among them.
    select ticket_id, performed_at, load_id, position from {{ ref('stg_raw__activities') }}

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
    select * from activities
    {%- if as_of_var() is not none %}
    where performed_at <= {{ as_of_var() }}
    {%- endif %}

),

activity_order as (

    -- The sequence is numbered on the ordering columns alone and joined back by the row's
    -- place in its file: sorting four columns is several times cheaper than sorting all.
    -- Activities after as_of sort last in their ticket, so leaving them out here too keeps
    -- the numbers of the others.
    select
        load_id,
        position,
        row_number() over (
            partition by ticket_id
            order by performed_at, load_id, position
        ) as activity_sequence
    from activity_order_keys
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

),

sequenced as (

    select
        mapped.*,
        activity_order.activity_sequence
    from mapped
    inner join activity_order
        on mapped.load_id = activity_order.load_id
        and mapped.position = activity_order.position

)

select * from sequenced
